// Heap profile of idle authenticated websockets: starts `chatgate serve` under heaptrack, holds
// --connections idle authenticated websockets with the native generator, then kills the server
// (SIGKILL) while they are connected, so that heaptrack's "leaked" report is exactly what the
// server held with them open. Usage (release build, heaptrack installed):
//   node bench/load/heap_idle.mjs --bin build/release/apps/chatgate/chatgate --connections 2000 \
//     --out /tmp/chatgate-heap
//   heaptrack_print --print-leaks 1 /tmp/chatgate-heap.zst   (sites; divide by --connections)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNative, DEFAULT_LOADGEN } from './lib/native.mjs';
import { sleep, token } from './lib/clients.mjs';
import { SECRET, DEFAULT_BIN } from './lib/server.mjs';
import { freePort, waitHealthy } from '../../tests/e2e/lib/server.mjs';

const { values: o } = parseArgs({ options: {
  bin: { type: 'string', default: DEFAULT_BIN },
  loadgen: { type: 'string', default: DEFAULT_LOADGEN },
  connections: { type: 'string', default: '2000' },
  out: { type: 'string', default: join(tmpdir(), 'chatgate-heap') },
} });
const n = Number(o.connections);

/** Pids of the processes below `root` (from /proc/<pid>/stat's ppid field). */
function descendants(root) {
  const parent = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const below = (pid) => [...parent].filter(([, pp]) => pp === pid).flatMap(([c]) => [c, ...below(c)]);
  return below(root);
}
const dir = mkdtempSync(join(tmpdir(), 'chatgate-heap-'));
const httpPort = await freePort();
const wsPort = await freePort();
const env = {
  PATH: process.env.PATH, HOST: '127.0.0.1', HTTP_PORT: String(httpPort), WS_PORT: String(wsPort),
  DATABASE_URL: `sqlite://${join(dir, 'chatgate.db')}`, JWT_SECRET: SECRET, RATE_LIMIT: '1000000/1s',
  CONNECT_RATE_LIMIT: '0/1s', MAX_UNAUTHENTICATED_SESSIONS: '0', LOG_LEVEL: 'warn',
};
// heaptrack's own script would outlive a SIGKILL of itself; run it, find the server below it.
const proc = spawn('heaptrack', ['-o', o.out, o.bin, 'serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
await waitHealthy(`http://127.0.0.1:${httpPort}/health`, proc, 60000);
const groups = Array.from({ length: n }, (_, i) => ({ conv: '', members: [{ token: token(`idle-${i}`), sender: false }] }));
const gen = await startNative({ bin: o.loadgen, server: { ws: `http://127.0.0.1:${wsPort}` }, groups, procs: 1, window: 0, durationMs: 0, contentBytes: 1, concurrency: 50 });
console.log(`connected ${gen.connected}, failed ${gen.failed}`);
await sleep(2000);
// SIGKILL the server itself (a descendant of heaptrack's script), with every socket still open.
// /proc/PID/comm is the binary's file name cut to 15 characters (a copied binary has its own).
const comm = basename(o.bin).slice(0, 15);
const server = descendants(proc.pid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm);
process.kill(server, 'SIGKILL');
await new Promise((resolve) => proc.on('exit', resolve));
gen.kill();
console.log(`profile: ${o.out}.zst`);
