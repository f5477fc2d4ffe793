import { DTMF_HIGH_HZ, DTMF_KEYS, DTMF_LOW_HZ } from '../audio/dtmf';

/** Goertzel power of one frequency in a block of 8 kHz samples. */
function goertzel(samples: Int16Array, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}

/** The key a 20 ms block holds, if one group frequency of each kind clearly dominates. */
export function keyInFrame(samples: Int16Array): string | undefined {
  let energy = 0;
  for (const sample of samples) energy += sample * sample;
  if (energy / samples.length < 1e5) return undefined;
  const low = DTMF_LOW_HZ.map((hz) => goertzel(samples, hz));
  const high = DTMF_HIGH_HZ.map((hz) => goertzel(samples, hz));
  const best = (powers: number[]) => powers.indexOf(Math.max(...powers));
  const row = best(low);
  const column = best(high);
  // Each tone must stand well above the others of its group, and the pair hold most of the energy.
  const clear = (powers: number[], index: number) => powers.every((p, i) => i === index || p * 4 < powers[index]);
  const pairPower = (low[row] + high[column]) / ((samples.length * samples.length) / 4);
  if (!clear(low, row) || !clear(high, column) || pairPower < 0.5 * (energy / samples.length)) return undefined;
  return DTMF_KEYS[row][column];
}

/**
 * The simulated phone's keypad receiver: hears 20 ms frames and reports each key once, after
 * two frames (40 ms) of it, and again only after a pause; as Q.24 receivers do.
 */
export class DtmfReceiver {
  readonly keys: string[] = [];
  private current?: string;
  private run = 0;

  hear(samples: Int16Array): string | undefined {
    const key = keyInFrame(samples);
    if (key !== this.current) {
      this.current = key;
      this.run = 0;
    }
    if (!key) return undefined;
    this.run++;
    if (this.run !== 2) return undefined;
    this.keys.push(key);
    return key;
  }
}
