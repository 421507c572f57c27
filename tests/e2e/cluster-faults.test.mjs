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
    // Traffic all along the outage: acked sends from a second sender, every 20 ms.
    let stopTraffic = false, trafficFailed = 0, phase = 'up';
    const trafficAcked = { up: 0, down: 0, back: 0 };
    const traffic = (async () => {
      for (let i = 0; !stopTraffic; i++) {
        const at = phase;
        const r = await ask(slA, 'message:send', { conversationId: conv.id, content: `traffic ${i}` }).catch(() => null);
        if (r?.success) { acked.push(r.message.id); trafficAcked[at]++; } else trafficFailed++;
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    redisStop();
    phase = 'down';
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
    await eventually(() => trafficAcked.down >= 5, 5000, 'acked sends while Redis is down');
    execFileSync('bash', [script, 'start', dir, port], { stdio: 'ignore' });  // empty: no persistence
    phase = 'back';
    await eventually(async () => (await fetch(`${a.http}/ready`)).status === 200 &&
      (await fetch(`${b.http}/ready`)).status === 200, 10000, '/ready 200 again');
    // refilled: both users online again, each socket registered
    await eventually(async () => (await redis.sIsMember('ws:online', kate).catch(() => false)) &&
      (await redis.sCard(`ws:connections:${leo}`).catch(() => 0)) === 2, 10000, 'refill');
    // cross-instance delivery resumes
    const after = await send('after');
    await eventually(() => onB.includes(after.id), 4000, 'message on b after the restart');
    await eventually(() => trafficAcked.back >= 5, 5000, 'acked sends after the restart');
    stopTraffic = true;
    await traffic;
    assert.equal(trafficFailed, 0, 'no send failed because Redis was away');
    const synced = await ask(slB, 'messages:sync', { conversationId: conv.id, limit: 1000 });
    assert.equal(synced.success, true);
    const ids = synced.messages.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, 'no message twice');
    const stored = new Set(ids);
    for (const id of acked) assert.ok(stored.has(id), `acked message ${id} not stored`);
    console.log(`# ${acked.length} acked across the Redis restart (${JSON.stringify(trafficAcked)} from the sender running all along), all stored once`);
    for (const s of held) assert.equal(s.connected, true);
  } finally {
    closeAll(held);
    for (const s of [a, b]) { await s.stop(); s.cleanup(); }
  }
});

test('RATE_LIMIT over both instances with Redis up; per instance, never refused for Redis, with Redis down', { skip, timeout: 60000 }, async () => {
  const limited = { ...env(), RATE_LIMIT: '5/60s' };
  const [a, b] = await Promise.all([start({ env: limited }), start({ env: limited })]);
  const mia = user('mia'), nia = user('nia'), owner = user('own');
  const held = [];
  let stopped = false;
  try {
    const conv = (await api(a.http, tokenFor(owner)).post('/conversations', { type: 'group', participantIds: [mia, nia] })).body;
    const sockets = {};
    for (const [id, server] of [[mia, a], [mia, b], [nia, a], [nia, b]]) {
      const { socket } = await connect(server, id);
      held.push(socket);
      (sockets[id] ??= []).push(socket);
    }
    const send = (s, content) => ask(s, 'message:send', { conversationId: conv.id, content });
    // Redis up: one count for mia over both instances, sends alternating a, b, a, b, a.
    const [ma, mb] = sockets[mia];
    for (let i = 0; i < 5; i++) {
      const r = await send(i % 2 ? mb : ma, `mia ${i}`);
      assert.equal(r.success, true, `send ${i + 1} of 5 (at the limit): ${JSON.stringify(r)}`);
    }
    for (const s of [mb, ma]) {  // one past it, on either instance
      const r = await send(s, 'mia past');
      assert.equal(r.success, false);
      assert.equal(r.error.code, 'RATE_LIMITED');
      assert.ok(r.error.retryAfterMs > 0 && r.error.retryAfterMs <= 12000, JSON.stringify(r));
    }
    const invalid = await send(ma, '   ');  // checked before the count, as on one instance
    assert.equal(invalid.error.code, 'VALIDATION_ERROR', JSON.stringify(invalid));
    const rest = await api(b.http, tokenFor(mia)).post(`/conversations/${conv.id}/messages`, { content: 'mia rest' });
    assert.equal(rest.status, 429, JSON.stringify(rest.body));  // REST counts in the same place
    const listed = (await api(a.http, tokenFor(owner)).get(`/conversations/${conv.id}/messages?limit=100`)).body.items;
    assert.equal(listed.filter((m) => m.senderId === mia).length, 5, 'nothing past the limit stored');

    // Redis down: each instance counts alone; nothing is refused because Redis is away.
    redisStop();
    stopped = true;
    await eventually(async () => (await fetch(`${a.http}/ready`)).status === 503 &&
      (await fetch(`${b.http}/ready`)).status === 503, 5000, '/ready 503');
    const [na, nb] = sockets[nia];
    for (const [name, s] of [['a', na], ['b', nb]]) {
      for (let i = 0; i < 5; i++) {
        const r = await send(s, `nia ${name} ${i}`);
        assert.equal(r.success, true, `instance ${name}, send ${i + 1} of 5: ${JSON.stringify(r)}`);
      }
      const past = await send(s, `nia ${name} past`);
      assert.equal(past.success, false);
      assert.equal(past.error.code, 'RATE_LIMITED');
    }
  } finally {
    closeAll(held);
    for (const s of [a, b]) { await s.stop(); s.cleanup(); }
    if (stopped) execFileSync('bash', [script, 'start', dir, port], { stdio: 'ignore' });
  }
});
