import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Downsampler24kTo8k } from '../../../bridge-server/src/audio/downsampler-24k-to-8k';
import { DECIMATOR_BLOCK, INTERPOLATOR_BLOCK } from '../../../bridge-server/src/audio/resampler-kernels';
import { Upsampler8kTo16k } from '../../../bridge-server/src/audio/upsampler-8k-to-16k';
import { sineWave } from '../../../bench/src/signal-analysis';

const bridgeDir = join(__dirname, '..', '..', '..', 'bridge-server');

describe('resampler kernels (WebAssembly SIMD)', () => {
  it('ship as the module the AssemblyScript source compiles to (npm run build:wasm)', () => {
    const scripts = (
      JSON.parse(readFileSync(join(bridgeDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const args = scripts['build:wasm'].split(' ').slice(1);
    const out = mkdtempSync(join(tmpdir(), 'vb-wasm-'));
    try {
      const outFileAt = args.indexOf('--outFile');
      args[outFileAt + 1] = join(out, 'resamplers.wasm');
      execFileSync(
        process.execPath,
        [join(bridgeDir, '..', 'node_modules', 'assemblyscript', 'bin', 'asc.js'), ...args],
        { cwd: bridgeDir, stdio: 'pipe' },
      );
      expect(
        readFileSync(join(out, 'resamplers.wasm')).equals(readFileSync(join(bridgeDir, 'wasm', 'resamplers.wasm'))),
      ).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('give the same output for input longer than one kernel block as for the same input in small chunks', () => {
    const long24k = sineWave(1000, 24000, 3 * DECIMATOR_BLOCK + 7, 9000);
    const whole = new Int16Array(long24k.length);
    const wholeCount = new Downsampler24kTo8k().process(long24k, whole);
    const chunked = new Int16Array(long24k.length);
    const down = new Downsampler24kTo8k();
    let chunkedCount = 0;
    for (let at = 0; at < long24k.length; at += 480)
      chunkedCount += down.process(long24k.subarray(at, at + 480), chunked.subarray(chunkedCount));
    expect(chunkedCount).toBe(wholeCount);
    expect(chunked.subarray(0, chunkedCount)).toEqual(whole.subarray(0, wholeCount));

    const long8k = sineWave(1000, 8000, 2 * INTERPOLATOR_BLOCK + 3, 9000);
    const upWhole = new Int16Array(2 * long8k.length);
    new Upsampler8kTo16k().process(long8k, upWhole);
    const upChunked = new Int16Array(2 * long8k.length);
    const up = new Upsampler8kTo16k();
    for (let at = 0; at < long8k.length; at += 160)
      up.process(long8k.subarray(at, at + 160), upChunked.subarray(2 * at));
    expect(upChunked).toEqual(upWhole);
  });

  it("keep each resampler's history its own, so interleaved calls do not disturb each other", () => {
    const a = sineWave(700, 24000, 4800, 9000);
    const b = sineWave(1900, 24000, 4800, 9000);
    const alone = new Int16Array(1600);
    new Downsampler24kTo8k().process(a, alone);
    const first = new Downsampler24kTo8k();
    const second = new Downsampler24kTo8k();
    const interleaved = new Int16Array(1600);
    const scratch = new Int16Array(200);
    let written = 0;
    for (let at = 0; at < a.length; at += 480) {
      written += first.process(a.subarray(at, at + 480), interleaved.subarray(written));
      second.process(b.subarray(at, at + 480), scratch);
    }
    expect(interleaved).toEqual(alone);
  });
});
