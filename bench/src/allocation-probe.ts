import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Heap bytes one call of `op` leaves allocated, on average over `calls` calls after a warm-up.
 * A scavenge during the window would hide allocations, so the smallest positive reading of a few
 * tries is not used; the largest is (a scavenge can only lower a reading).
 */
export function heapBytesPerCall(op: () => unknown, calls = 500, tries = 5): number {
  for (let i = 0; i < 2000; i++) op();
  let worst = 0;
  for (let t = 0; t < tries; t++) {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < calls; i++) op();
    worst = Math.max(worst, (process.memoryUsage().heapUsed - before) / calls);
  }
  return worst;
}
