// Two chatgate instances with two io threads each, sharing one Redis and one PostgreSQL: one
// Redis adapter and connection map per process, on its thread 0, and every thread's sockets
// behind it (docs/cluster.md "Several io threads"). Every client on every thread of either
// instance gets each message exactly once, each instance's messages in seq order; a room
// broadcast (typing) from any
// thread reaches every other user's socket once; presence and the admin listing count every
// thread of both instances; the per-user limit holds over all four threads. Needs
// CHATGATE_TEST_REDIS_URL and CHATGATE_TEST_PG_URL (scripts/test.sh starts both); skipped
// without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, waitFor, collect, expectNone, ask, closeAll } from './lib/socket.mjs';
import { REDIS_URL, PG_URL, redisClient, eventually } from './lib/redis.mjs';

const skip = REDIS_URL && PG_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';
const run = `ct${Date.now().toString(36)}`;
let n = 0;
const user = (name) => `${run}-${name}${++n}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let a, b, redis;
const sockets = [];

before(async () => {
  if (skip) return;
  const env = { DATABASE_URL: PG_URL, REDIS_URL, IO_THREADS: '2', RATE_LIMIT: '10000/10s', MAX_CONNECTIONS_PER_USER: '5' };
  [a, b] = await Promise.all([start({ env }), start({ env })]);
  redis = await redisClient();
});

after(async () => {
  closeAll(sockets);
  await redis?.quit();
  for (const s of [a, b]) if (s) { await s.stop(); s.cleanup(); }
});

const connect = async (server, id, opts = {}) => {
  const c = await connectAs(server.ws, tokenFor(id), opts);
  sockets.push(c.socket);
  return c.socket;
};
const thread = (socket) => socket.io.engine.id[0];  // 'A': thread 0, 'B': thread 1
async function metric(server, name) {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
const kinds = [{ transports: ['websocket'] }, { transports: ['polling'] }, {}];

/** Sockets of `users` on `server` until both threads hold some (round-robin accept). */
async function spread(server, users, where) {
  const out = [];
  for (let i = 0; i < users.length * 2; ++i) {
    const u = users[i % users.length];
    out.push({ user: u, where, socket: await connect(server, u, kinds[i % kinds.length]) });
  }
  return out;
}

test('both instances run two io threads with Redis', { skip }, async () => {
  for (const s of [a, b]) {
    assert.equal(await metric(s, 'chatgate_io_threads'), 2);
    const r = await fetch(`${s.http}/ready`);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).checks.redis, 'ok');
  }
});

test('every socket on every thread of both instances gets each message exactly once, in seq order; typing once', { skip }, async () => {
  const users = Array.from({ length: 4 }, (_, i) => user(`u${i}`));
  const r = await api(a.http, tokenFor(users[0])).post('/conversations', { type: 'group', name: 'g', participantIds: users.slice(1) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  const members = [...await spread(a, users, 'a'), ...await spread(b, users, 'b')];
  await sleep(300);  // upgrades settle
  for (const where of ['a', 'b']) {
    const threads = new Set(members.filter((m) => m.where === where).map((m) => thread(m.socket)));
    assert.deepEqual([...threads].sort(), ['A', 'B'], `instance ${where} uses both threads`);
  }

  // A typing from one thread of instance a reaches every other user's sockets on all four.
  const typist = members.find((m) => m.where === 'a' && thread(m.socket) === 'B');
  const heard = members.map((m) => collect(m.socket, 'typing'));
  assert.deepEqual(await ask(typist.socket, 'typing:start', { conversationId: id }), { success: true });
  await sleep(500);
  members.forEach((m, i) => {
    const expected = m.user === typist.user ? 0 : 1;
    assert.equal(heard[i].filter((e) => e.isTyping).length, expected,
      `socket of ${m.user} on ${m.where}/${thread(m.socket)}: ${JSON.stringify(heard[i])}`);
  });

  // Messages from sockets on every thread of both instances, and over REST on both. Each
  // instance's messages keep their seq order on every socket; the two instances' streams
  // interleave as they arrive (one of them crosses Redis), as with one thread per instance.
  const got = members.map((m) => collect(m.socket, 'message:new'));
  const sent = 32;
  const storedBy = new Map();  // message id -> the instance that stored it
  const acks = [];
  for (let i = 0; i < sent; ++i) {
    if (i % 4 === 3) {
      const where = i % 8 === 3 ? 'a' : 'b';
      const server = where === 'a' ? a : b;
      acks.push(api(server.http, tokenFor(users[i % users.length])).post(`/conversations/${id}/messages`, { content: `m${i}` })
        .then((res) => {
          assert.ok(res.status < 300, JSON.stringify(res.body));
          storedBy.set(res.body.id, where);
        }));
    } else {
      const m = members[(i * 3) % members.length];
      acks.push(ask(m.socket, 'message:send', { conversationId: id, content: `m${i}` })
        .then((ack) => {
          assert.equal(ack.success, true, JSON.stringify(ack));
          storedBy.set(ack.message.id, m.where);
        }));
    }
  }
  await Promise.all(acks);
  assert.equal(storedBy.size, sent);
  const deadline = Date.now() + 8000;
  while (got.some((g) => g.length < sent) && Date.now() < deadline) await sleep(50);
  members.forEach((m, i) => {
    const label = `socket of ${m.user} on ${m.where}/${thread(m.socket)}`;
    assert.equal(got[i].length, sent, `${label} got ${got[i].length}`);
    assert.equal(new Set(got[i].map((e) => e.id)).size, sent, `${label}: no duplicates`);
    for (const where of ['a', 'b']) {
      const seqs = got[i].filter((e) => storedBy.get(e.id) === where).map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `${label}: seq order of ${where}'s messages`);
    }
  });
  await expectNone(got[0], 300, () => true, 'extra message:new');
});

test('presence over both threads of both instances: online with the first socket, offline with the last', { skip }, async () => {
  const erin = user('erin'), dave = user('dave');
  const r = await api(a.http, tokenFor(dave)).post('/conversations', { type: 'direct', participantIds: [erin] });
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  const watchers = [await connect(b, dave, { transports: ['websocket'] }), await connect(b, dave, { transports: ['websocket'] })];
  assert.equal(new Set(watchers.map(thread)).size, 2, 'dave watches from both threads of b');
  const onlines = watchers.map((w) => collect(w, 'user:online'));
  const offlines = watchers.map((w) => collect(w, 'user:offline'));
  // erin: two sockets on a (one per thread) and one on b.
  const e1 = await connect(a, erin, { transports: ['websocket'] });
  const e2 = await connect(a, erin, { transports: ['websocket'] });
  const e3 = await connect(b, erin, { transports: ['websocket'] });
  assert.equal(new Set([e1, e2].map(thread)).size, 2, "erin's sockets on a use both threads");
  await eventually(() => onlines.every((o) => o.some((e) => e.userId === erin)), 5000, 'user:online');
  for (const s of [a, b]) {
    const p = await api(s.http, tokenFor(dave)).post('/presence', { userIds: [erin] });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.deepEqual(p.body.online, [erin]);
  }
  assert.equal(await redis.sCard(`ws:connections:${erin}`), 3);
  e1.close();
  e3.close();
  await sleep(500);
  offlines.forEach((o) => assert.equal(o.filter((e) => e.userId === erin).length, 0, 'erin still has a socket'));
  e2.close();
  await eventually(() => offlines.every((o) => o.filter((e) => e.userId === erin).length === 1), 5000, 'user:offline');
  onlines.forEach((o) => assert.equal(o.filter((e) => e.userId === erin).length, 1, 'user:online once'));
  assert.equal(await redis.sCard(`ws:connections:${erin}`), 0);
  await sleep(300);
  offlines.forEach((o) => assert.equal(o.filter((e) => e.userId === erin).length, 1, 'user:offline once'));
});

test('MAX_CONNECTIONS_PER_USER holds over both threads of both instances', { skip }, async () => {
  const u = user('limit');
  const held = [];
  for (let i = 0; i < 5; ++i) held.push(await connect(i % 2 ? b : a, u, { transports: ['websocket'] }));
  await assert.rejects(connect(a, u, { transports: ['websocket'] }), (e) => e.payload?.code === 'CONNECTION_ERROR');
  await assert.rejects(connect(b, u, { transports: ['websocket'] }), (e) => e.payload?.code === 'CONNECTION_ERROR');
  closeAll(held);
});

test('the admin listing names every socket of every thread of both instances', { skip }, async () => {
  const eve = user('eve');
  const mine = [];
  for (const s of [a, a, b, b]) mine.push(await connect(s, eve, { transports: ['websocket'] }));
  const ops = tokenFor(user('ops'), { claims: { roles: ['admin'] } });
  for (const s of [a, b]) {
    const r = await api(s.http, ops).get(`/admin/connections?userId=${encodeURIComponent(eve)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const ids = r.body.items.map((c) => c.id).sort();
    assert.equal(ids.length, 4, JSON.stringify(r.body.items));
    assert.deepEqual(ids, mine.map((m) => m.id).sort());
  }
  closeAll(mine);
});
