// GET /conversations with unread counts (issue 11, contract §8): C conversations of M messages
// each (default 100 × 10,000), alice and bob in each, every other message from bob; then R timed
// GET /conversations?limit=100 as alice (all C conversations in one page when C <= 100), each
// answer checked (unreadCount = bob's messages after alice's lastReadSeq). Also times, in the
// database's own CLI, what a count over the messages per listed conversation would cost.
// The messages are written with SQL straight into the database chatgate created (a million
// REST sends would measure the send path, not the listing), counters included, as the v3
// migration's formula defines them; the answers' check proves them right.
//   node bench/readstate/list_conversations.mjs [--pg] [C] [M] [R]
// CHATGATE_BIN: the binary (default build/release, else build/dev). --pg: a throwaway
// PostgreSQL from scripts/pg.sh (or CHATGATE_TEST_PG_URL). Needs sqlite3 / psql on PATH and
// tests/e2e's node_modules (`npm ci` in tests/e2e).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const release = join(root, 'build/release/apps/chatgate/chatgate');
process.env.CHATGATE_BIN ??= existsSync(release) ? release : join(root, 'build/dev/apps/chatgate/chatgate');
const { start } = await import('../../tests/e2e/lib/server.mjs');
const { tokenFor } = await import('../../tests/e2e/lib/token.mjs');
const { api } = await import('../../tests/e2e/lib/rest.mjs');

const args = process.argv.slice(2);
const pg = args.includes('--pg');
const [C, M, R] = [100, 10000, 100].map((d, i) => Number(args.filter((a) => a !== '--pg')[i] ?? d));
const run = `bench${Date.now().toString(36)}`;
const alice = `${run}-alice`, bob = `${run}-bob`;
const stops = [];

function pgUrl() {
  if (process.env.CHATGATE_TEST_PG_URL) return process.env.CHATGATE_TEST_PG_URL;
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-bench-pg-'));
  const url = execFileSync('bash', [join(root, 'scripts/pg.sh'), 'start', dir], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  stops.push(() => execFileSync('bash', [join(root, 'scripts/pg.sh'), 'stop', dir], { stdio: 'ignore' }));
  return url;
}

/** Runs `sql` in the database's CLI; returns its output. */
function cli(db, sql) {
  return pg ? execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', db, '-c', sql]).toString()
    : execFileSync('sqlite3', [db], { input: sql }).toString();
}

const hex = pg ? (e, w) => `lpad(to_hex(${e}), ${w}, '0')` : (e, w) => `printf('%0${w}x', ${e})`;
const idOf = (n) => `${hex('c.ordinal', 8)} || ${hex(n, 16)}`;
const ordinals = (ids) => ids.map((id, i) => `('${id}', ${i + 1})`).join(', ');
const series = pg ? `generate_series(1, ${M}) AS s(n)`
  : `(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${M}) SELECT n FROM s) s`;
const f = pg ? 'FALSE' : '0';

function seedSql(ids) {
  const conv = '(SELECT x.id, x.ordinal, k.created_at FROM x JOIN conversations k ON k.id = x.id) c';
  return `BEGIN;
WITH x(id, ordinal) AS (VALUES ${ordinals(ids)})
INSERT INTO messages (id, conversation_id, seq, sender_id, content, attachments, metadata,
  is_edited, is_deleted, created_at, updated_at)
  SELECT ${idOf('s.n')}, c.id, s.n, CASE WHEN s.n % 2 = 0 THEN '${bob}' ELSE '${alice}' END,
    'message ' || s.n, '[]', '{}', ${f}, ${f}, c.created_at + s.n, c.created_at + s.n
  FROM ${conv}, ${series};
UPDATE conversations SET last_seq = ${M}, live_count = ${M},
  last_message_id = (SELECT MAX(id) FROM messages m WHERE m.conversation_id = conversations.id),
  last_message_at = created_at + ${M}, updated_at = created_at + ${M}
  WHERE id IN (${ids.map((id) => `'${id}'`).join(', ')});
UPDATE participants SET own_live_after_read = (SELECT COUNT(*) FROM messages m
  WHERE m.conversation_id = participants.conversation_id AND m.sender_id = participants.user_id)
  WHERE user_id IN ('${alice}', '${bob}');
COMMIT;`;
}

// What the counters spare: the unread count of each of alice's conversations, counted.
const naiveSql = `SELECT COUNT(*), SUM(u.n) FROM participants p JOIN conversations c ON c.id = p.conversation_id
  CROSS JOIN LATERAL (SELECT COUNT(*) AS n FROM messages m WHERE m.conversation_id = c.id
    AND m.seq > p.last_read_seq AND m.sender_id <> p.user_id AND NOT m.is_deleted) u
  WHERE p.user_id = '${alice}'`;
const naiveSqlite = `SELECT COUNT(*), SUM((SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
  AND m.seq > p.last_read_seq AND m.sender_id <> p.user_id AND m.is_deleted = 0))
  FROM participants p JOIN conversations c ON c.id = p.conversation_id WHERE p.user_id = '${alice}';`;

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const dir = mkdtempSync(join(tmpdir(), 'chatgate-bench-readstate-'));
const dbPath = join(dir, 'chatgate.db');
const env = { RATE_LIMIT: '0/1s', ...(pg ? { DATABASE_URL: pgUrl() } : {}) };
const db = pg ? env.DATABASE_URL : dbPath;
let server;
try {
  server = await start({ env, dir, dbPath });
  const ids = [];
  for (let i = 0; i < C; ++i) {
    const r = await api(server.http, tokenFor(alice)).post('/conversations', { type: 'group', name: `c${i}`, participantIds: [bob] });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  await server.stop();
  let t = performance.now();
  cli(db, seedSql(ids));
  console.log(`seeded ${C} x ${M} messages in ${((performance.now() - t) / 1000).toFixed(1)} s (${pg ? 'PostgreSQL' : 'SQLite'})`);
  server = await start({ env, dir, dbPath });
  const me = api(server.http, tokenFor(alice));
  const expected = Math.floor(M / 2);
  const read = await me.post(`/conversations/${ids[0]}/read`, { seq: M / 2 });  // one partly read
  if (read.body.unreadCount !== expected - Math.floor(M / 4)) throw new Error(`read: ${JSON.stringify(read.body)}`);
  const times = [];
  for (let i = 0; i < R + 10; ++i) {
    t = performance.now();
    const r = await me.get(`/conversations?limit=${Math.min(C, 100)}`);
    const ms = performance.now() - t;
    if (r.status !== 200 || r.body.items.length !== Math.min(C, 100)) throw new Error(`list: ${r.status}`);
    for (const c of r.body.items) {
      const want = c.id === ids[0] ? expected - Math.floor(M / 4) : expected;
      if (c.unreadCount !== want) throw new Error(`unreadCount ${c.unreadCount} != ${want} for ${c.id}`);
    }
    if (i >= 10) times.push(ms);  // the first 10 warm up
  }
  times.sort((a, b) => a - b);
  console.log(`GET /conversations?limit=${Math.min(C, 100)} (${C} conversations x ${M} messages, unreadCount checked): ` +
    `p50 ${pct(times, 50).toFixed(2)} ms, p90 ${pct(times, 90).toFixed(2)} ms, p99 ${pct(times, 99).toFixed(2)} ms, max ${times.at(-1).toFixed(2)} ms over ${R}`);
  await server.stop();
  t = performance.now();
  const out = pg ? execFileSync('psql', ['-X', '-q', db], { input: `\\timing on\n${naiveSql};\n${naiveSql};\n` }).toString()
    : execFileSync('sqlite3', [db], { input: `.timer on\n${naiveSqlite}\n${naiveSqlite}\n` }).toString();
  console.log(`for comparison, counting unread messages over alice's ${C} conversations in the database CLI (twice, warm second):\n${out.trim()}`);
} finally {
  if (server) await server.stop();
  server?.cleanup();
  for (const stop of stops) stop();
}
