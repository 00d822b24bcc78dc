import { readFileSync } from 'node:fs';

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads) a process has used so far, or null when it is gone or not Linux. */
export function processCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : null;
}

export type CpuSnapshot = Record<string, number | null>;

export function cpuSnapshot(pids: Readonly<Record<string, number | null | undefined>>): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [name, pid] of Object.entries(pids)) out[name] = pid ? processCpuSeconds(pid) : null;
  return out;
}

export interface CpuShare {
  component: string;
  cpuSeconds: number;
  microsPerEvent: number;
}

/** CPU used by each component between two snapshots, per event handled in between. */
export function cpuPerEvent(before: CpuSnapshot, after: CpuSnapshot, events: number): CpuShare[] {
  const out: CpuShare[] = [];
  for (const [component, b] of Object.entries(before)) {
    const a = after[component];
    if (b === null || a === null || a === undefined) continue;
    const cpuSeconds = a - b;
    out.push({ component, cpuSeconds, microsPerEvent: (cpuSeconds / events) * 1e6 });
  }
  return out.sort((x, y) => y.cpuSeconds - x.cpuSeconds);
}
