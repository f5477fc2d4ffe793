// Resampler kernels in WebAssembly SIMD. JS owns the memory layout, the coefficients and each
// call's filter history; these functions only run the arithmetic over buffers JS has filled.
// Both compute four outputs at a time, one output per lane, so no lane ever needs summing.

/** Four f32 lanes rounded to nearest and saturated to Int16, in the low 8 bytes. */
@inline function toInt16x4(v: v128): i64 {
  const ints = i32x4.trunc_sat_f32x4_s(f32x4.nearest(v));
  return i64x2.extract_lane(i16x8.narrow_i32x4_s(ints, ints), 0);
}

/** Converts `count` Int16 samples at `input` to f32 at `work`, eight at a time. */
@inline function widen(input: usize, work: usize, count: i32): void {
  for (let i = 0; i < count; i += 8) {
    const samples = v128.load(input + (<usize>i << 1));
    v128.store(work + (<usize>i << 2), f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(samples)));
    v128.store(work + (<usize>i << 2), f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(samples)), 16);
  }
}

/**
 * 24 kHz -> 8 kHz. `work` holds 63 samples of history (f32) followed by room for `count` more;
 * `phases` is scratch for the window split three ways; `coeffs` holds the 61-tap symmetric
 * kernel as its centre tap and then the 30 taps of one side, nearest first. Every third input
 * position from `first` ends a window and yields one output. Returns how many were written.
 */
export function decimate(coeffs: usize, work: usize, phases: usize, input: usize, count: i32, first: i32, output: usize): i32 {
  widen(input, work + 63 * 4, count);
  // Split the window stream three ways so each tap reads four consecutive outputs' samples:
  // phase r, position t holds work[first + 3t + r].
  const total = 63 + count;
  const stride = <usize>((total + 2) / 3 + 8) << 2;
  let t: usize = 0;
  for (let g = first; g < total; g += 3) {
    const from = work + (<usize>g << 2);
    store<f32>(phases + (t << 2), load<f32>(from));
    store<f32>(phases + stride + (t << 2), load<f32>(from, 4));
    store<f32>(phases + 2 * stride + (t << 2), load<f32>(from, 8));
    t++;
  }
  const outputs = (count - first + 2) / 3;
  // Output m's window is work[first + 3m .. first + 3m + 63]; window offset j lives in phase
  // j % 3 at t = m + j / 3. The centre tap is offset 33; offsets 33 ± d share a tap (the kernel
  // is symmetric), and every third d is an exact zero: 20 pairs and the centre, unrolled.
  const centre = f32x4.splat(load<f32>(coeffs));
  const t1 = f32x4.splat(load<f32>(coeffs, 4));
  const t2 = f32x4.splat(load<f32>(coeffs, 8));
  const t4 = f32x4.splat(load<f32>(coeffs, 16));
  const t5 = f32x4.splat(load<f32>(coeffs, 20));
  const t7 = f32x4.splat(load<f32>(coeffs, 28));
  const t8 = f32x4.splat(load<f32>(coeffs, 32));
  const t10 = f32x4.splat(load<f32>(coeffs, 40));
  const t11 = f32x4.splat(load<f32>(coeffs, 44));
  const t13 = f32x4.splat(load<f32>(coeffs, 52));
  const t14 = f32x4.splat(load<f32>(coeffs, 56));
  const t16 = f32x4.splat(load<f32>(coeffs, 64));
  const t17 = f32x4.splat(load<f32>(coeffs, 68));
  const t19 = f32x4.splat(load<f32>(coeffs, 76));
  const t20 = f32x4.splat(load<f32>(coeffs, 80));
  const t22 = f32x4.splat(load<f32>(coeffs, 88));
  const t23 = f32x4.splat(load<f32>(coeffs, 92));
  const t25 = f32x4.splat(load<f32>(coeffs, 100));
  const t26 = f32x4.splat(load<f32>(coeffs, 104));
  const t28 = f32x4.splat(load<f32>(coeffs, 112));
  const t29 = f32x4.splat(load<f32>(coeffs, 116));
  for (let m = 0; m < outputs; m += 4) {
    const p0 = phases + (<usize>m << 2);
    const p1 = p0 + stride;
    const p2 = p1 + stride;
    let acc = f32x4.mul(centre, v128.load(p0, 44));
    acc = f32x4.add(acc, f32x4.mul(t1, f32x4.add(v128.load(p2, 40), v128.load(p1, 44))));
    acc = f32x4.add(acc, f32x4.mul(t2, f32x4.add(v128.load(p1, 40), v128.load(p2, 44))));
    acc = f32x4.add(acc, f32x4.mul(t4, f32x4.add(v128.load(p2, 36), v128.load(p1, 48))));
    acc = f32x4.add(acc, f32x4.mul(t5, f32x4.add(v128.load(p1, 36), v128.load(p2, 48))));
    acc = f32x4.add(acc, f32x4.mul(t7, f32x4.add(v128.load(p2, 32), v128.load(p1, 52))));
    acc = f32x4.add(acc, f32x4.mul(t8, f32x4.add(v128.load(p1, 32), v128.load(p2, 52))));
    acc = f32x4.add(acc, f32x4.mul(t10, f32x4.add(v128.load(p2, 28), v128.load(p1, 56))));
    acc = f32x4.add(acc, f32x4.mul(t11, f32x4.add(v128.load(p1, 28), v128.load(p2, 56))));
    acc = f32x4.add(acc, f32x4.mul(t13, f32x4.add(v128.load(p2, 24), v128.load(p1, 60))));
    acc = f32x4.add(acc, f32x4.mul(t14, f32x4.add(v128.load(p1, 24), v128.load(p2, 60))));
    acc = f32x4.add(acc, f32x4.mul(t16, f32x4.add(v128.load(p2, 20), v128.load(p1, 64))));
    acc = f32x4.add(acc, f32x4.mul(t17, f32x4.add(v128.load(p1, 20), v128.load(p2, 64))));
    acc = f32x4.add(acc, f32x4.mul(t19, f32x4.add(v128.load(p2, 16), v128.load(p1, 68))));
    acc = f32x4.add(acc, f32x4.mul(t20, f32x4.add(v128.load(p1, 16), v128.load(p2, 68))));
    acc = f32x4.add(acc, f32x4.mul(t22, f32x4.add(v128.load(p2, 12), v128.load(p1, 72))));
    acc = f32x4.add(acc, f32x4.mul(t23, f32x4.add(v128.load(p1, 12), v128.load(p2, 72))));
    acc = f32x4.add(acc, f32x4.mul(t25, f32x4.add(v128.load(p2, 8), v128.load(p1, 76))));
    acc = f32x4.add(acc, f32x4.mul(t26, f32x4.add(v128.load(p1, 8), v128.load(p2, 76))));
    acc = f32x4.add(acc, f32x4.mul(t28, f32x4.add(v128.load(p2, 4), v128.load(p1, 80))));
    acc = f32x4.add(acc, f32x4.mul(t29, f32x4.add(v128.load(p1, 4), v128.load(p2, 80))));
    store<i64>(output + (<usize>m << 1), toInt16x4(acc));
  }
  return outputs;
}

/**
 * 8 kHz -> 16 kHz. `work` holds 21 samples of history followed by room for `count` more (and
 * padding); `coeffs` holds the 22-tap symmetric filtering branch's 11 distinct taps. Even
 * outputs are the branch over the window, odd outputs the input 10 samples back (the
 * half-band's plain branch); both come out interleaved, eight Int16 at a time.
 */
export function interpolate(coeffs: usize, work: usize, input: usize, count: i32, output: usize): void {
  widen(input, work + 21 * 4, count);
  const c0 = f32x4.splat(load<f32>(coeffs, 0)), c1 = f32x4.splat(load<f32>(coeffs, 4)), c2 = f32x4.splat(load<f32>(coeffs, 8));
  const c3 = f32x4.splat(load<f32>(coeffs, 12)), c4 = f32x4.splat(load<f32>(coeffs, 16)), c5 = f32x4.splat(load<f32>(coeffs, 20));
  const c6 = f32x4.splat(load<f32>(coeffs, 24)), c7 = f32x4.splat(load<f32>(coeffs, 28)), c8 = f32x4.splat(load<f32>(coeffs, 32));
  const c9 = f32x4.splat(load<f32>(coeffs, 36)), c10 = f32x4.splat(load<f32>(coeffs, 40));
  for (let i = 0; i < count; i += 4) {
    const w = work + (<usize>i << 2);
    let a = f32x4.mul(c0, f32x4.add(v128.load(w, 0), v128.load(w, 84)));
    let b = f32x4.mul(c1, f32x4.add(v128.load(w, 4), v128.load(w, 80)));
    a = f32x4.add(a, f32x4.mul(c2, f32x4.add(v128.load(w, 8), v128.load(w, 76))));
    b = f32x4.add(b, f32x4.mul(c3, f32x4.add(v128.load(w, 12), v128.load(w, 72))));
    a = f32x4.add(a, f32x4.mul(c4, f32x4.add(v128.load(w, 16), v128.load(w, 68))));
    b = f32x4.add(b, f32x4.mul(c5, f32x4.add(v128.load(w, 20), v128.load(w, 64))));
    a = f32x4.add(a, f32x4.mul(c6, f32x4.add(v128.load(w, 24), v128.load(w, 60))));
    b = f32x4.add(b, f32x4.mul(c7, f32x4.add(v128.load(w, 28), v128.load(w, 56))));
    a = f32x4.add(a, f32x4.mul(c8, f32x4.add(v128.load(w, 32), v128.load(w, 52))));
    b = f32x4.add(b, f32x4.mul(c9, f32x4.add(v128.load(w, 36), v128.load(w, 48))));
    a = f32x4.add(a, f32x4.mul(c10, f32x4.add(v128.load(w, 40), v128.load(w, 44))));
    const even = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.add(a, b)));
    const odd = i32x4.trunc_sat_f32x4_s(v128.load(w, 44));
    const evens = i16x8.narrow_i32x4_s(even, even);
    const odds = i16x8.narrow_i32x4_s(odd, odd);
    v128.store(output + (<usize>i << 2), i8x16.shuffle(evens, odds, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
  }
}
