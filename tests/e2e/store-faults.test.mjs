// The store down mid-traffic (contract §7, issue "store off the event loop"): a real PostgreSQL
// (scripts/pg.sh, its own throwaway server) is stopped for 5 s while four official clients send
// with acks and ping. Every send is either acknowledged and stored, or answered with an error and
// not stored; no ack is left waiting; ping is answered throughout and no socket is dropped; /ready
// names the store while it is away and recovers by itself. Skipped when the PostgreSQL server
// binaries are missing (scripts/install-deps.sh installs them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs } from './lib/socket.mjs';

const pgScript = new URL('../../scripts/pg.sh', import.meta.url).pathname;
const pg = (...args) => execFileSync('bash', [pgScript, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let pgDir, url, server, skip = false;

before(async () => {
  pgDir = mkdtempSync(join(tmpdir(), 'chatgate-pgfault-'));
  try {
    url = pg('start', pgDir);
  } catch (e) {
    skip = `no PostgreSQL server: ${e.message.split('\n')[0]}`;
    return;
  }
  server = await start({
    env: {
      DATABASE_URL: url, RATE_LIMIT: '100000/10s', STORE_TIMEOUT_MS: '1500',
      // Short heartbeats: a frozen io thread would drop every socket within 1.5 s.
      PING_INTERVAL_MS: '500', PING_TIMEOUT_MS: '1000',
    },
  });
});

after(async () => {
  if (server) { await server.stop(); server.cleanup(); }
  if (pgDir) { try { pg('stop', pgDir); } catch { /* already gone */ } }
});

/** Sends `prefix-N` with acks, `window` at a time, until `until()`; records every outcome. */
async function sendLoop(socket, convId, prefix, window, until, outcomes) {
  let n = 0;
  const lane = async () => {
    while (!until()) {
      const content = `${prefix}-${n++}`;
      const t0 = Date.now();
      try {
        const ack = await socket.timeout(8000).emitWithAck('message:send', { conversationId: convId, content });
        outcomes.push({ content, ok: ack.success === true, code: ack.error?.code, ms: Date.now() - t0 });
        if (!ack.success) await sleep(30);
      } catch (e) {
        outcomes.push({ content, ok: false, code: 'NO_ANSWER', ms: Date.now() - t0 });
      }
      await sleep(20);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
}

/** Pings every 100 ms until `until()`; returns the slowest answer (ms) and the unanswered count. */
async function pingLoop(socket, until) {
  let slowest = 0, missed = 0;
  while (!until()) {
    const t0 = Date.now();
    try {
      await socket.timeout(2000).emitWithAck('ping');
      slowest = Math.max(slowest, Date.now() - t0);
    } catch { missed++; }
    await sleep(100);
  }
  return { slowest, missed };
}

async function ready() {
  const r = await fetch(`${server.http}/ready`);
  return { status: r.status, body: await r.json() };
}

test('PostgreSQL stopped for 5 s mid-traffic: acked means stored, errors mean not stored, sockets live', { timeout: 60000 }, async (t) => {
  if (skip) return t.skip(skip);
  const g = await api(server.http, tokenFor('alice')).post('/conversations', { type: 'group', name: 'faults', participantIds: ['bob'] });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const convId = g.body.id;
  const clients = await Promise.all([
    connectAs(server.ws, tokenFor('alice'), { transports: ['websocket'] }),
    connectAs(server.ws, tokenFor('alice'), { transports: ['polling'] }),
    connectAs(server.ws, tokenFor('bob'), { transports: ['websocket'] }),
    connectAs(server.ws, tokenFor('bob')),
  ]);
  const sockets = clients.map((c) => c.socket);
  const drops = [];
  sockets.forEach((s, i) => s.on('disconnect', (reason) => drops.push(`${i}: ${reason}`)));

  const outcomes = [];
  let stop = false;
  const until = () => stop;
  const senders = sockets.map((s, i) => sendLoop(s, convId, `s${i}`, 3, until, outcomes));
  const pingers = sockets.map((s) => pingLoop(s, until));

  await sleep(2000);
  const beforeOutage = outcomes.length;
  pg('pause', pgDir);
  await sleep(2500);
  const during = await ready();
  await sleep(2500);
  pg('resume', pgDir);
  // Reconnects back off up to 5 s between tries, so give the store a moment to come back.
  let after = await ready();
  for (let i = 0; i < 80 && after.status !== 200; i++) { await sleep(100); after = await ready(); }
  await sleep(1500);
  stop = true;
  await Promise.all(senders);
  const pings = await Promise.all(pingers);

  assert.equal(during.status, 503, JSON.stringify(during.body));
  assert.equal(during.body.checks.store, 'failing');
  assert.equal(after.status, 200, JSON.stringify(after.body));
  assert.deepEqual(drops, [], 'no socket was dropped');
  for (const p of pings) {
    assert.equal(p.missed, 0, 'every ping answered');
    assert.ok(p.slowest < 1000, `ping answered within 1 s (slowest ${p.slowest} ms)`);
  }
  const acked = outcomes.filter((o) => o.ok).map((o) => o.content);
  const failed = outcomes.filter((o) => !o.ok);
  assert.ok(beforeOutage > 20, `traffic before the outage (${beforeOutage})`);
  assert.ok(failed.length > 0, 'some sends failed while the store was away');
  assert.deepEqual([...new Set(failed.map((o) => o.code))], ['INTERNAL_ERROR'], 'failures are INTERNAL_ERROR, never a missing answer');
  assert.ok(Math.max(...failed.map((o) => o.ms)) < 4000, 'a failure is answered within the store timeout and a reconnect try');
  assert.ok(outcomes.slice(-20).some((o) => o.ok), 'sends succeed again after the store returned');

  // What the store holds, read back with messages:sync (seq order, from the start).
  const stored = new Set();
  const sync = async (lastSeq) => {
    const r = await sockets[0].timeout(8000).emitWithAck('messages:sync', { conversationId: convId, lastSeq, limit: 1000 });
    assert.equal(r.success, true, JSON.stringify(r));
    return r;
  };
  let seq = 0, expected = 1;
  for (;;) {
    const r = await sync(seq);
    for (const m of r.messages) {
      assert.equal(m.seq, expected++, 'seq is gapless');
      stored.add(m.content);
      seq = m.seq;
    }
    if (!r.hasMore) break;
  }
  const lost = acked.filter((c) => !stored.has(c));
  const ghost = failed.filter((o) => stored.has(o.content)).map((o) => o.content);
  assert.deepEqual(lost, [], 'every acknowledged message is stored');
  assert.deepEqual(ghost, [], 'no message answered with an error was stored');
  assert.equal(stored.size, acked.length, 'the store holds exactly the acknowledged messages');
  t.diagnostic(`sends: ${acked.length} acked, ${failed.length} failed during the outage; slowest ping ${Math.max(...pings.map((p) => p.slowest))} ms`);
  for (const s of sockets) s.close();
});
