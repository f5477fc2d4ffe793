// Resampler kernels in WebAssembly SIMD. JS owns the memory layout, the coefficients and each
// call's filter history; these functions only run the arithmetic over buffers JS has filled.

/** Rounds half away from zero and saturates, as the JS kernels did before storing to Int16. */
@inline function toInt16(value: f32): i32 {
  const clamped = max<f32>(-32768.0, min<f32>(32767.0, value));
  return <i32>(clamped + (clamped >= 0 ? <f32>0.5 : <f32>-0.5));
}

@inline function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Converts `count` Int16 samples at `input` to f32 at `work`. */
@inline function widen(input: usize, work: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<f32>(work + (<usize>i << 2), <f32>load<i16>(input + (<usize>i << 1)));
}

/**
 * 24 kHz -> 8 kHz. `work` holds 63 samples of history (f32) followed by room for `count` more;
 * `coeffs` is the 61-tap kernel reversed and padded to 64 (three leading zeros). Every third
 * input position from `first` yields one output: a 64-tap dot product in 16 four-lane steps.
 */
export function decimate(coeffs: usize, work: usize, input: usize, count: i32, first: i32, output: usize): i32 {
  widen(input, work + 63 * 4, count);
  const c0 = v128.load(coeffs, 0), c1 = v128.load(coeffs, 16), c2 = v128.load(coeffs, 32), c3 = v128.load(coeffs, 48);
  const c4 = v128.load(coeffs, 64), c5 = v128.load(coeffs, 80), c6 = v128.load(coeffs, 96), c7 = v128.load(coeffs, 112);
  const c8 = v128.load(coeffs, 128), c9 = v128.load(coeffs, 144), c10 = v128.load(coeffs, 160), c11 = v128.load(coeffs, 176);
  const c12 = v128.load(coeffs, 192), c13 = v128.load(coeffs, 208), c14 = v128.load(coeffs, 224), c15 = v128.load(coeffs, 240);
  let written = 0;
  for (let n = first; n < count; n += 3) {
    const w = work + (<usize>n << 2);
    let a = f32x4.mul(v128.load(w, 0), c0);
    let b = f32x4.mul(v128.load(w, 16), c1);
    a = f32x4.add(a, f32x4.mul(v128.load(w, 32), c2));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 48), c3));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 64), c4));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 80), c5));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 96), c6));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 112), c7));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 128), c8));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 144), c9));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 160), c10));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 176), c11));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 192), c12));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 208), c13));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 224), c14));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 240), c15));
    store<i16>(output + (<usize>written << 1), <i16>toInt16(lanesSum(f32x4.add(a, b))));
    written++;
  }
  return written;
}

/**
 * 8 kHz -> 16 kHz. `work` holds 21 samples of history followed by room for `count` more and two
 * zeros; `coeffs` is the 22-tap filtering branch padded to 24. Even outputs are its dot product
 * over the window, odd outputs the input delayed by 10 samples (the half-band's plain branch).
 */
export function interpolate(coeffs: usize, work: usize, input: usize, count: i32, output: usize): void {
  widen(input, work + 21 * 4, count);
  store<f32>(work + (<usize>(21 + count) << 2), 0);
  store<f32>(work + (<usize>(22 + count) << 2), 0);
  const c0 = v128.load(coeffs, 0), c1 = v128.load(coeffs, 16), c2 = v128.load(coeffs, 32);
  const c3 = v128.load(coeffs, 48), c4 = v128.load(coeffs, 64), c5 = v128.load(coeffs, 80);
  for (let i = 0; i < count; i++) {
    const w = work + (<usize>i << 2);
    let a = f32x4.mul(v128.load(w, 0), c0);
    let b = f32x4.mul(v128.load(w, 16), c1);
    a = f32x4.add(a, f32x4.mul(v128.load(w, 32), c2));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 48), c3));
    a = f32x4.add(a, f32x4.mul(v128.load(w, 64), c4));
    b = f32x4.add(b, f32x4.mul(v128.load(w, 80), c5));
    const o = output + (<usize>i << 2);
    store<i16>(o, <i16>toInt16(lanesSum(f32x4.add(a, b))));
    store<i16>(o, <i16><i32>load<f32>(w + 11 * 4), 2);
  }
}
