import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ, the unit of /proc/<pid>/stat CPU times

/** CPU a process has used so far, in user space and in the kernel (µs). */
export function cpuMicros(pid: number): { user: number; kernel: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: (Number(fields[11]) / TICKS_PER_SECOND) * 1e6, kernel: (Number(fields[12]) / TICKS_PER_SECOND) * 1e6 };
}

/** Resident memory of a process (bytes). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** `pid` and every process whose parent it is (the workers of BRIDGE_WORKERS). */
export function processTree(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid;
      } catch {
        return false; // gone while looking
      }
    })
    .map(Number);
  return [pid, ...children];
}

/** CPU of several processes together (µs). */
export function treeCpuMicros(pids: number[]): { user: number; kernel: number } {
  return pids.map(cpuMicros).reduce((a, b) => ({ user: a.user + b.user, kernel: a.kernel + b.kernel }));
}

/** Resident memory of several processes together (bytes). */
export function treeRssBytes(pids: number[]): number {
  return pids.map(rssBytes).reduce((a, b) => a + b, 0);
}
