import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** utime + stime of a /proc/<pid>/stat line, in clock ticks (fields 14 and 15; comm may hold spaces and parens). */
export function parseStatCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`unexpected /proc stat line: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** The parent pid (field 4) of a /proc/<pid>/stat line. */
export function parseStatParentPid(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** A kB field of /proc/<pid>/status (VmRSS, VmHWM, ...), in bytes. */
export function parseStatusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export function parseMachineTicks(procStat: string): { busy: number; total: number } {
  const values = procStat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

let clockTicks: number | undefined;

export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time a process has used so far, in microseconds. */
export function processCpuUs(pid: number): number {
  return (parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1e6) / clockTicksPerSecond();
}

/** CPU time of a process and all its descendants alive now, in microseconds (e.g. a postmaster and its backends). */
export function processTreeCpuUs(rootPid: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), parseStatParentPid(stat));
      ticks.set(Number(entry), parseStatCpuTicks(stat));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (
      let current: number | undefined = pid, depth = 0;
      current !== undefined && current > 1 && depth < 64;
      depth += 1
    ) {
      if (current === rootPid) return true;
      current = parents.get(current);
    }
    return false;
  };
  let total = 0;
  for (const [pid, value] of ticks) if (inTree(pid)) total += value;
  return (total * 1e6) / clockTicksPerSecond();
}

export function processMemory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: parseStatusKb(status, 'VmRSS'), peakRss: parseStatusKb(status, 'VmHWM') };
}

export function machineTicks(): { busy: number; total: number } {
  return parseMachineTicks(readFileSync('/proc/stat', 'utf8'));
}

/** Busy CPU of the whole machine so far, in microseconds (all cores). */
export function machineBusyUs(): number {
  return (machineTicks().busy * 1e6) / clockTicksPerSecond();
}

/** Share of the whole machine busy over `ms` while this process waits. */
export async function backgroundLoad(ms: number): Promise<number> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTicks();
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpuModel = match[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
