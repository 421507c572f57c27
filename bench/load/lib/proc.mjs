// The server's own figures from /proc: resident memory and CPU time, so that results are about
// chatgate and not about the node client sharing the machine.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** VmRSS of `pid` in KiB. */
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** utime + stime of `pid` in milliseconds (all threads). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

/** Open file descriptors of `pid`, or -1 when /proc does not say. */
export function fdCount(pid) {
  try { return readdirSync(`/proc/${pid}/fd`).length; } catch { return -1; }
}

/**
 * Time `pid`'s threads were runnable but waiting for a CPU, in ms (/proc/<pid>/task/N/schedstat).
 * On a shared machine this tells a slow server from a starved one.
 */
export function runQueueWaitMs(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[1]); } catch { /* thread gone */ }
  }
  return ns / 1e6;
}

/**
 * utime + stime in ms of every process whose parent is `ppid` (a PostgreSQL postmaster's backends
 * and helpers), so that a run on PostgreSQL counts the database's CPU too. 0 without `ppid`.
 */
export function childrenCpuMs(ppid) {
  if (!ppid) return 0;
  let ms = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid) ms += ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
    } catch { /* process gone */ }
  }
  return ms;
}
