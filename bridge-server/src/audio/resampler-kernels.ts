import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The resamplers' arithmetic in WebAssembly SIMD (bridge-server/assembly/resamplers.ts, compiled
 * by `npm run build:wasm -w voice-bridge-server`). One module instance per process serves every
 * call: each resampler keeps its own filter history in JS and lends it to the kernel for one
 * call, so the module's memory is a fixed scratch area and nothing there belongs to a call.
 */

/** The slice of the WebAssembly JS API this needs (Node has it; its type definitions come with lib.dom). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
}

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  decimate(
    coeffs: number,
    work: number,
    phases: number,
    input: number,
    count: number,
    first: number,
    output: number,
  ): number;
  interpolate(coeffs: number, work: number, input: number, count: number, output: number): void;
}

/** Largest input a single kernel call takes; longer input is processed in blocks. */
export const DECIMATOR_BLOCK = 4800;
export const INTERPOLATOR_BLOCK = 1600;
/** History the kernels expect in front of the input (f32 samples). */
export const DECIMATOR_HISTORY = 63;
export const INTERPOLATOR_HISTORY = 21;

// Scratch layout, in bytes from BASE (clear of anything the module itself may place low). The
// kernels work eight samples or four outputs at a time, so every area has room to spare at its end.
const BASE = 65536;
const PAD = 64;
const DECIMATOR_COEFFS = BASE;
const INTERPOLATOR_COEFFS = BASE + 256;
const DECIMATOR_WORK = BASE + 512;
const DECIMATOR_PHASES = DECIMATOR_WORK + (DECIMATOR_HISTORY + DECIMATOR_BLOCK) * 4 + PAD;
const INTERPOLATOR_WORK =
  DECIMATOR_PHASES + 3 * 4 * (Math.ceil((DECIMATOR_HISTORY + DECIMATOR_BLOCK + 2) / 3) + 8) + PAD;
const INPUT = INTERPOLATOR_WORK + (INTERPOLATOR_HISTORY + INTERPOLATOR_BLOCK) * 4 + PAD;
const OUTPUT = INPUT + DECIMATOR_BLOCK * 2 + PAD;
const END = OUTPUT + INTERPOLATOR_BLOCK * 4 + PAD;

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const kernel = new wasm.Instance(new wasm.Module(readFileSync(join(__dirname, '..', '..', 'wasm', 'resamplers.wasm'))))
  .exports as KernelExports;
const pagesNeeded = Math.ceil(END / 65536) - kernel.memory.buffer.byteLength / 65536;
if (pagesNeeded > 0) kernel.memory.grow(pagesNeeded);
const f32 = new Float32Array(kernel.memory.buffer);
const i16 = new Int16Array(kernel.memory.buffer);

/** Loads the decimator's kernel: 61 symmetric taps, kept as the centre tap and one side. */
export function setDecimatorCoefficients(taps: Float64Array): void {
  if (taps.length !== 61) throw new Error('the decimator kernel takes 61 taps');
  f32.set(taps.subarray(30), DECIMATOR_COEFFS / 4);
}

/** Loads the interpolator's filtering branch: 22 symmetric taps, kept as their first 11. */
export function setInterpolatorBranch(branch: Float64Array): void {
  if (branch.length !== 22) throw new Error('the interpolator kernel takes a 22-tap branch');
  f32.set(branch.subarray(0, 11), INTERPOLATOR_COEFFS / 4);
}

// Copies in and out use `set` over `subarray` views: four small views per call, but measured
// 1.3-2.7x faster than index loops over the module's memory, which V8 does not optimise as well.

/**
 * Runs the 24 -> 8 kHz kernel over `count` (≤ DECIMATOR_BLOCK) samples of `input` from `from`,
 * starting with the input sample at offset `first`; updates `history` and writes the outputs
 * to `output` from `outputAt`. Returns how many it wrote.
 */
export function decimate(
  history: Float32Array,
  input: Int16Array,
  from: number,
  count: number,
  first: number,
  output: Int16Array,
  outputAt: number,
): number {
  f32.set(history, DECIMATOR_WORK / 4);
  i16.set(input.subarray(from, from + count), INPUT / 2);
  const written = kernel.decimate(DECIMATOR_COEFFS, DECIMATOR_WORK, DECIMATOR_PHASES, INPUT, count, first, OUTPUT);
  output.set(i16.subarray(OUTPUT / 2, OUTPUT / 2 + written), outputAt);
  history.set(f32.subarray(DECIMATOR_WORK / 4 + count, DECIMATOR_WORK / 4 + count + DECIMATOR_HISTORY));
  return written;
}

/**
 * Runs the 8 -> 16 kHz kernel over `count` (≤ INTERPOLATOR_BLOCK) samples of `input` from
 * `from`; updates `history` and writes `2 * count` samples to `output` from `outputAt`.
 */
export function interpolate(
  history: Float32Array,
  input: Int16Array,
  from: number,
  count: number,
  output: Int16Array,
  outputAt: number,
): void {
  f32.set(history, INTERPOLATOR_WORK / 4);
  i16.set(input.subarray(from, from + count), INPUT / 2);
  kernel.interpolate(INTERPOLATOR_COEFFS, INTERPOLATOR_WORK, INPUT, count, OUTPUT);
  output.set(i16.subarray(OUTPUT / 2, OUTPUT / 2 + 2 * count), outputAt);
  history.set(f32.subarray(INTERPOLATOR_WORK / 4 + count, INTERPOLATOR_WORK / 4 + count + INTERPOLATOR_HISTORY));
}
