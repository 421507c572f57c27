// Faults of a two-instance cluster (contract §7): an instance SIGKILLed leaves no ghost users
// (its sockets swept within 30 s, user:offline sent), and a Redis restarted empty mid-traffic
// (sockets stay, local traffic and acks go on, /ready 503 naming redis, then reconnect, refill and
// cross-instance delivery again; nothing acknowledged is lost). Uses its own Redis from
// scripts/redis.sh (it is stopped and restarted here) and CHATGATE_TEST_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, waitFor, ask, closeAll } from './lib/socket.mjs';
import { PG_URL, eventually } from './lib/redis.mjs';

const script = new URL('../../scripts/redis.sh', import.meta.url).pathname;
const skip = PG_URL && process.env.CHATGATE_TEST_REDIS_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';
const run = `ft${Date.now().toString(36)}`;
let n = 0;
const user = (name) => `${run}-${name}${++n}`;
let dir, url, port, redis;

const redisStart = () => execFileSync('bash', [script, 'start', dir, ...(port ? [port] : [])], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const redisStop = () => execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' });

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'chatgate-e2e-redis-'));
  url = redisStart();
  port = url.split(':').pop();
  redis = createClient({ url, socket: { reconnectStrategy: 100 } });
  redis.on('error', () => {});
  await redis.connect();
});

after(async () => {
  await redis?.quit().catch(() => {});
  if (dir) redisStop();
});

const env = () => ({ DATABASE_URL: PG_URL, REDIS_URL: url, RATE_LIMIT: '10000/10s' });
const connect = (server, id) => connectAs(server.ws, tokenFor(id));

test('SIGKILL of an instance: its sockets are swept within 30 s and user:offline is sent', { skip, timeout: 60000 }, async () => {
  const [a, b] = await Promise.all([start({ env: env() }), start({ env: env() })]);
  const ivan = user('ivan'), judy = user('judy');
  let sj;
  try {
    const conv = await api(b.http, tokenFor(judy)).post('/conversations', { type: 'group', participantIds: [ivan] });
    sj = (await connect(b, judy)).socket;
    const { connected } = await connect(a, ivan);
    assert.equal(await redis.sIsMember('ws:online', ivan), true);
    const offline = waitFor(sj, 'user:offline', { ms: 30000, filter: (p) => p.userId === ivan });
    const killedAt = Date.now();
    await a.kill();
    const p = await offline;
    const took = Date.now() - killedAt;
    assert.equal(p.conversationId, conv.body.id);
    assert.ok(took < 30000, `swept after ${took} ms`);
    assert.equal(await redis.sIsMember('ws:online', ivan), false);
    assert.equal(await redis.sCard(`ws:connections:${ivan}`), 0);
    assert.equal(await redis.exists(`ws:socket:${connected.socketId}`), 0);
    assert.equal(await redis.sIsMember('ws:online', judy), true);  // the survivor's stay
    const pres = await api(b.http, tokenFor(judy)).post('/presence', { userIds: [ivan, judy] });
    assert.deepEqual(pres.body.online, [judy]);
    console.log(`# swept ${took} ms after SIGKILL`);
  } finally {
    closeAll(sj);
    for (const s of [a, b]) { await s.stop(); s.cleanup(); }
  }
});

test('Redis restarted empty mid-traffic: nothing acknowledged lost, /ready 503 then 200, refill', { skip, timeout: 60000 }, async () => {
  const [a, b] = await Promise.all([start({ env: env() }), start({ env: env() })]);
  const kate = user('kate'), leo = user('leo');
  const held = [];
  try {
    const conv = (await api(a.http, tokenFor(kate)).post('/conversations', { type: 'group', participantIds: [leo] })).body;
    const { socket: sk } = await connect(a, kate);
    const { socket: slA } = await connect(a, leo);  // leo on both instances
    const { socket: slB } = await connect(b, leo);
    held.push(sk, slA, slB);
    const acked = [];
    const onB = [];
    slB.on('message:new', (m) => onB.push(m.id));
    const send = async (content) => {
      const r = await ask(sk, 'message:send', { conversationId: conv.id, content });
      assert.equal(r.success, true, JSON.stringify(r));
      acked.push(r.message.id);
      return r.message;
    };
    await send('before');
    redisStop();
    const down = await eventually(async () => {
      const r = await fetch(`${a.http}/ready`);
      return r.status === 503 ? r.json() : null;
    }, 5000, '/ready 503');
    assert.equal(down.checks.redis, 'failing');
    assert.match(down.message, /redis/);
    // sockets stay; local delivery and acks go on
    const local = waitFor(slA, 'message:new', { filter: (m) => m.content === 'during' });
    await send('during');
    await local;
    for (const s of held) assert.equal(s.connected, true);
    execFileSync('bash', [script, 'start', dir, port], { stdio: 'ignore' });  // empty: no persistence
    await eventually(async () => (await fetch(`${a.http}/ready`)).status === 200 &&
      (await fetch(`${b.http}/ready`)).status === 200, 10000, '/ready 200 again');
    // refilled: both users online again, each socket registered
    await eventually(async () => (await redis.sIsMember('ws:online', kate).catch(() => false)) &&
      (await redis.sCard(`ws:connections:${leo}`).catch(() => 0)) === 2, 10000, 'refill');
    // cross-instance delivery resumes
    const after = await send('after');
    await eventually(() => onB.includes(after.id), 4000, 'message on b after the restart');
    const listed = await api(b.http, tokenFor(leo)).get(`/conversations/${conv.id}/messages?limit=100`);
    const stored = new Set(listed.body.items.map((m) => m.id));
    for (const id of acked) assert.ok(stored.has(id), `acked message ${id} not stored`);
    for (const s of held) assert.equal(s.connected, true);
  } finally {
    closeAll(held);
    for (const s of [a, b]) { await s.stop(); s.cleanup(); }
  }
});
