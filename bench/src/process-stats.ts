import { readFileSync } from 'node:fs';

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
