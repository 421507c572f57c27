// Cross-instance delivery latency: two chatgate instances sharing Redis and PostgreSQL; alice on
// instance A sends N messages (message:send, one at a time, each after the previous ack); bob on
// instance B and carol on A (same-instance baseline) receive message:new. Prints p50/p99/max of
// send -> receive for both. Starts a throwaway Redis and PostgreSQL with scripts/redis.sh and
// scripts/pg.sh unless CHATGATE_TEST_REDIS_URL / CHATGATE_TEST_PG_URL are set.
//   node bench/cluster/latency.mjs [N]     (CHATGATE_BIN: the binary, default build/release)
// Uses tests/e2e's helpers and node_modules (run `npm ci` in tests/e2e first).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
process.env.CHATGATE_BIN ??= join(root, 'build/release/apps/chatgate/chatgate');
const { start } = await import('../../tests/e2e/lib/server.mjs');
const { tokenFor } = await import('../../tests/e2e/lib/token.mjs');
const { api } = await import('../../tests/e2e/lib/rest.mjs');
const { connectAs, ask, closeAll } = await import('../../tests/e2e/lib/socket.mjs');

const N = Number(process.argv[2] ?? 500);
const stops = [];
function service(name, envName) {
  if (process.env[envName]) return process.env[envName];
  const dir = mkdtempSync(join(tmpdir(), `chatgate-bench-${name}-`));
  const url = execFileSync('bash', [join(root, `scripts/${name}.sh`), 'start', dir], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  stops.push(() => execFileSync('bash', [join(root, `scripts/${name}.sh`), 'stop', dir], { stdio: 'ignore' }));
  return url;
}
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs) => `p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms, max ${xs[xs.length - 1].toFixed(2)} ms`;

const env = { DATABASE_URL: service('pg', 'CHATGATE_TEST_PG_URL'), REDIS_URL: service('redis', 'CHATGATE_TEST_REDIS_URL'), RATE_LIMIT: '1000000/1s' };
const [a, b] = await Promise.all([start({ env }), start({ env })]);
const run = `bench${Date.now().toString(36)}`;
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((u) => `${run}-${u}`);
try {
  const conv = (await api(a.http, tokenFor(alice)).post('/conversations', { type: 'group', participantIds: [bob, carol] })).body;
  const { socket: sa } = await connectAs(a.ws, tokenFor(alice), { transports: ['websocket'] });
  const { socket: sb } = await connectAs(b.ws, tokenFor(bob), { transports: ['websocket'] });
  const { socket: sc } = await connectAs(a.ws, tokenFor(carol), { transports: ['websocket'] });
  const sent = new Map(), remote = [], local = [];
  sb.on('message:new', (m) => { if (sent.has(m.content)) remote.push(performance.now() - sent.get(m.content)); });
  sc.on('message:new', (m) => { if (sent.has(m.content)) local.push(performance.now() - sent.get(m.content)); });
  for (let i = 0; i < N; i++) {
    sent.set(`m${i}`, performance.now());
    await ask(sa, 'message:send', { conversationId: conv.id, content: `m${i}` });
  }
  const end = Date.now() + 5000;
  while ((remote.length < N || local.length < N) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  remote.sort((x, y) => x - y);
  local.sort((x, y) => x - y);
  console.log(`binary ${process.env.CHATGATE_BIN}`);
  console.log(`${N} messages; received on the other instance: ${remote.length}, on the same instance: ${local.length}`);
  console.log(`cross-instance (A -> Redis -> B): ${fmt(remote)}`);
  console.log(`same instance (A -> A):           ${fmt(local)}`);
  closeAll(sa, sb, sc);
} finally {
  for (const s of [a, b]) { await s.stop(); s.cleanup(); }
  for (const stop of stops) stop();
}
