/** Small timing kit for `npm run bench`: medians over rounds, because these machines are noisy. */

export interface Timing {
  /** Median nanoseconds per operation across rounds. */
  medianNs: number;
  /** Fastest and slowest round, ns per operation, to show the spread. */
  minNs: number;
  maxNs: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `op` in `rounds` batches of `perRound` calls after a warm-up, and reports ns per call. */
export function timeOperation(op: (i: number) => unknown, perRound = 2000, rounds = 15): Timing {
  for (let i = 0; i < perRound; i++) op(i);
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) op(i);
    perOp.push(Number(process.hrtime.bigint() - start) / perRound);
  }
  return { medianNs: median(perOp), minNs: Math.min(...perOp), maxNs: Math.max(...perOp) };
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of cells.slice(1)) process.stdout.write(`${line(row)}\n`);
}
