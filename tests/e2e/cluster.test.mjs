// Two chatgate instances sharing one Redis and one PostgreSQL (contract §6-§7, seed §4.4, §4.11,
// test 18). Needs CHATGATE_TEST_REDIS_URL and CHATGATE_TEST_PG_URL (scripts/test.sh starts both
// with scripts/redis.sh and scripts/pg.sh); skipped without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, waitFor, collect, expectNone, ask, closeAll, disconnected } from './lib/socket.mjs';
import { REDIS_URL, PG_URL, redisClient, eventually } from './lib/redis.mjs';

const skip = REDIS_URL && PG_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';
const run = `cl${Date.now().toString(36)}`;
let n = 0;
const user = (name) => `${run}-${name}${++n}`;
let a, b, redis;

before(async () => {
  if (skip) return;
  const env = { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s', MAX_CONNECTIONS_PER_USER: '3' };
  [a, b] = await Promise.all([start({ env }), start({ env })]);
  redis = await redisClient();
});

after(async () => {
  await redis?.quit();
  for (const s of [a, b]) if (s) { await s.stop(); s.cleanup(); }
});

const connect = (server, id, opts = {}) => connectAs(server.ws, tokenFor(id), opts);
const group = async (server, owner, members) => {
  const r = await api(server.http, tokenFor(owner)).post('/conversations', { type: 'group', name: 'g', participantIds: members });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
};

test('both instances are ready with the store and redis', { skip }, async () => {
  for (const s of [a, b]) {
    const r = await fetch(`${s.http}/ready`);
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.equal(body.checks.redis, 'ok');
    assert.equal(body.checks.store, 'ok');
  }
});

for (const transports of [['websocket'], ['polling']]) {
  test(`seed test 18 over ${transports[0]}: a message sent on instance 1 reaches a user on instance 2`, { skip }, async () => {
    const alice = user('alice'), bob = user('bob');
    const conv = await group(a, alice, [bob]);
    const { socket: sa } = await connect(a, alice, { transports });
    const { socket: sb } = await connect(b, bob, { transports });
    try {
      const got = waitFor(sb, 'message:new');
      const ack = await ask(sa, 'message:send', { conversationId: conv.id, content: 'across' });
      assert.equal(ack.success, true, JSON.stringify(ack));
      const m = await got;
      assert.equal(m.id, ack.message.id);
      assert.equal(m.content, 'across');
      assert.equal(m.seq, 1);
      // and back, plus edits and deletions
      const back = waitFor(sa, 'message:new');
      await ask(sb, 'message:send', { conversationId: conv.id, content: 'back' });
      assert.equal((await back).content, 'back');
      const upd = waitFor(sb, 'message:updated');
      await ask(sa, 'message:edit', { messageId: ack.message.id, content: 'edited' });
      assert.equal((await upd).content, 'edited');
    } finally { closeAll(sa, sb); }
  });
}

test('a conversation created over REST on one instance joins members connected to the other', { skip }, async () => {
  const alice = user('alice'), bob = user('bob');
  const { socket: sb } = await connect(b, bob);
  try {
    const created = waitFor(sb, 'conversation:new');
    const conv = await group(a, alice, [bob]);
    assert.equal((await created).id, conv.id);
    // bob's socket on b is in the room now: a REST message on a reaches it
    const got = waitFor(sb, 'message:new');
    const m = await api(a.http, tokenFor(alice)).post(`/conversations/${conv.id}/messages`, { content: 'rest' });
    assert.equal(m.status, 201);
    assert.equal((await got).id, m.body.id);
  } finally { closeAll(sb); }
});

test('membership across instances: joined before later messages, nothing after removal', { skip }, async () => {
  const admin = user('admin'), carol = user('carol');
  const conv = await group(a, admin, [user('x')]);
  const { socket: sc } = await connect(b, carol);
  try {
    const events = [];
    for (const e of ['conversation:joined', 'message:new', 'conversation:removed', 'participant:removed'])
      sc.on(e, (p) => events.push([e, p]));
    const add = await api(a.http, tokenFor(admin)).post(`/conversations/${conv.id}/participants`, { userId: carol });
    assert.equal(add.status, 201, JSON.stringify(add.body));
    // sent at once after the REST answer, on the instance that served it
    const m1 = await api(a.http, tokenFor(admin)).post(`/conversations/${conv.id}/messages`, { content: 'welcome' });
    await eventually(() => events.some(([e]) => e === 'message:new'), 4000, 'message:new on b');
    assert.deepEqual(events.map(([e]) => e), ['conversation:joined', 'message:new']);
    assert.equal(events[1][1].id, m1.body.id);
    const del = await api(a.http, tokenFor(admin)).del(`/conversations/${conv.id}/participants/${carol}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    await eventually(() => events.some(([e]) => e === 'conversation:removed'), 4000, 'conversation:removed');
    await api(a.http, tokenFor(admin)).post(`/conversations/${conv.id}/messages`, { content: 'after' });
    await api(b.http, tokenFor(admin)).post(`/conversations/${conv.id}/messages`, { content: 'after b' });
    await expectNone(events, 500, ([e]) => e === 'message:new', 'message:new after conversation:removed');
    assert.deepEqual(events.map(([e]) => e),
      ['conversation:joined', 'message:new', 'participant:removed', 'conversation:removed']);
  } finally { closeAll(sc); }
});

test('presence is global: online/offline across instances, REST presence, the seed keys', { skip }, async () => {
  const dave = user('dave'), erin = user('erin');
  const conv = await group(a, dave, [erin]);
  const { socket: sd } = await connect(a, dave);
  try {
    const online = waitFor(sd, 'user:online', { filter: (p) => p.userId === erin });
    const { socket: se, connected } = await connect(b, erin);
    assert.equal((await online).conversationId, conv.id);
    const p = await api(a.http, tokenFor(dave)).post('/presence', { userIds: [erin, dave, user('nobody')] });
    assert.deepEqual(p.body.online.sort(), [dave, erin].sort());
    assert.deepEqual(await redis.sMembers(`ws:connections:${erin}`), [connected.socketId]);
    const hash = await redis.hGetAll(`ws:socket:${connected.socketId}`);
    assert.equal(hash.userId, erin);
    assert.match(hash.connectedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const ttl = await redis.ttl(`ws:socket:${connected.socketId}`);
    assert.ok(ttl > 86000 && ttl <= 86400, `ttl ${ttl}`);
    assert.equal(await redis.sIsMember('ws:online', erin), true);
    const offline = waitFor(sd, 'user:offline', { filter: (q) => q.userId === erin });
    se.close();
    assert.equal((await offline).conversationId, conv.id);
    assert.equal(await redis.sIsMember('ws:online', erin), false);
    assert.equal(await redis.exists(`ws:socket:${connected.socketId}`), 0);
  } finally { closeAll(sd); }
});

test('MAX_CONNECTIONS_PER_USER counts sockets on every instance (limit 3, a 4th refused)', { skip }, async () => {
  const frank = user('frank');
  const held = [];
  try {
    for (const s of [a, b, a]) held.push((await connect(s, frank)).socket);
    const err = await connect(b, frank).then(() => null, (e) => e);
    assert.ok(err, 'the 4th connection was accepted');
    assert.equal(err.payload?.code, 'CONNECTION_ERROR', err.message);
    assert.equal((await redis.sMembers(`ws:connections:${frank}`)).length, 3);
    held.pop().close();  // one goes: a new one fits again, on either instance
    await eventually(async () => (await redis.sCard(`ws:connections:${frank}`)) === 2, 3000, 'SCARD 2');
    held.push((await connect(b, frank)).socket);
  } finally { closeAll(held); }
});

test('messages:sync on one instance returns what was sent through the other', { skip }, async () => {
  const gina = user('gina'), hank = user('hank');
  const conv = await group(a, gina, [hank]);
  const { socket: sg } = await connect(b, gina);
  const { socket: sh } = await connect(a, hank);
  try {
    for (const c of ['1', '2', '3']) await ask(sg, 'message:send', { conversationId: conv.id, content: c });
    const r = await ask(sh, 'messages:sync', { conversationId: conv.id, lastSeq: 1 });
    assert.equal(r.success, true, JSON.stringify(r));
    assert.deepEqual(r.messages.map((m) => [m.seq, m.content]), [[2, '2'], [3, '3']]);
  } finally { closeAll(sg, sh); }
});

test('admin connections list the sockets of both instances (contract §8)', { skip }, async () => {
  const eve = user('eve'), fay = user('fay');
  const conv = await group(a, eve, [fay]);
  const { socket: e1 } = await connect(a, eve, { transports: ['websocket'] });
  const { socket: e2 } = await connect(b, eve, { transports: ['polling'] });
  const { socket: f1 } = await connect(b, fay);
  try {
    const ops = tokenFor(user('ops'), { claims: { roles: ['admin'] } });
    const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    for (const [server, other] of [[a, b], [b, a]]) {
      const r = await api(server.http, ops).get(`/admin/connections?userId=${encodeURIComponent(eve)}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const items = r.body.items;
      assert.deepEqual(items.map((i) => i.id).sort(), [e1.id, e2.id].sort(), JSON.stringify(items));
      const ws = items.find((i) => i.id === e1.id), poll = items.find((i) => i.id === e2.id);
      for (const i of items) {
        assert.deepEqual(Object.keys(i).sort(), ['connectedAt', 'id', 'instance', 'rooms', 'transport', 'userId']);
        assert.equal(i.userId, eve);
        assert.match(i.connectedAt, ISO);
        assert.deepEqual(i.rooms.sort(), [`conversation:${conv.id}`, `user:${eve}`].sort());
      }
      assert.equal(ws.transport, 'websocket');
      assert.equal(poll.transport, 'polling');
      assert.notEqual(ws.instance, poll.instance, 'two instances named apart');
      assert.ok(typeof ws.instance === 'string' && ws.instance.length > 0);
      // Without a filter: every socket of both, fay's on b among them, each once.
      const all = (await api(other.http, ops).get('/admin/connections')).body.items;
      const ids = all.map((i) => i.id);
      assert.equal(new Set(ids).size, ids.length, 'each socket once');
      for (const s of [e1, e2, f1]) assert.ok(ids.includes(s.id), `${s.id} listed by every instance`);
      assert.equal(all.find((i) => i.id === f1.id).instance, poll.instance);
    }
    const none = await api(a.http, ops).get(`/admin/connections?userId=${encodeURIComponent(user('nobody'))}`);
    assert.deepEqual(none.body.items, []);
    const notAdmin = await api(b.http, tokenFor(eve)).get('/admin/connections');
    assert.equal(notAdmin.status, 403);
  } finally { closeAll(e1, e2, f1); }
});
