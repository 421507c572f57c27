// Optional profiling of the server during a native fan-out run (run.mjs --profile DIR):
// `perf stat` counts its system calls (tracepoints: cheap, so the figures stay those of a normal
// run) and, for chatgate, `perf record -g` samples where its CPU goes. Needs perf (linux-perf)
// and the right to trace the server (root, or kernel.perf_event_paranoid <= 1).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SYSCALLS = ['writev', 'sendmsg', 'sendto', 'write', 'readv', 'recvmsg', 'recvfrom', 'read', 'epoll_wait', 'epoll_ctl', 'futex', 'pwrite64', 'fdatasync', 'fsync'];

/** Starts the profilers on `pid`; stop() resolves with { syscalls: {name: count}, total, perfData }. */
export function startProfile({ pid, dir, tag, record }) {
  mkdirSync(dir, { recursive: true });  // perf cannot write into a folder that does not exist
  const statFile = join(dir, `${tag}.stat.csv`);
  const events = ['raw_syscalls:sys_enter', ...SYSCALLS.map((s) => `syscalls:sys_enter_${s}`)].join(',');
  const procs = [spawn('perf', ['stat', '-x', ',', '-o', statFile, '-e', events, '-p', String(pid)], { stdio: 'ignore' })];
  const perfData = join(dir, `${tag}.perf.data`);
  if (record) procs.push(spawn('perf', ['record', '-g', '-o', perfData, '-p', String(pid)], { stdio: 'ignore' }));
  const exits = procs.map((p) => new Promise((r) => p.on('exit', r)));
  return {
    async stop() {
      for (const p of procs) p.kill('SIGINT');
      await Promise.all(exits);
      const syscalls = {};
      for (const line of readFileSync(statFile, 'utf8').split('\n')) {
        const f = line.split(',');
        if (f.length < 3 || !f[2]) continue;
        const name = f[2].replace('syscalls:sys_enter_', '').replace('raw_syscalls:sys_enter', 'all');
        syscalls[name] = Number(f[0]) || 0;
      }
      return { syscalls, perfData: record ? perfData : null };
    },
  };
}
