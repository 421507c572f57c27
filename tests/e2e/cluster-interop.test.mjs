// chatgate and Node on one Redis (contract §7, "Node interop"): the real npm packages
// @socket.io/redis-emitter and socket.io 4.8 with @socket.io/redis-adapter 8.3 share the cluster
// with a chatgate instance. Needs CHATGATE_TEST_REDIS_URL and CHATGATE_TEST_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Emitter } from '@socket.io/redis-emitter';
import { start, freePort } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, socketTo, waitFor, closeAll, disconnected } from './lib/socket.mjs';
import { REDIS_URL, PG_URL, redisClient, eventually } from './lib/redis.mjs';

const skip = REDIS_URL && PG_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';
const run = `io${Date.now().toString(36)}`;
let n = 0;
const user = (name) => `${run}-${name}${++n}`;
let cg, emitterClient, pub, sub, io, httpServer, nodeUrl, emitter;

before(async () => {
  if (skip) return;
  cg = await start({ env: { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s' } });
  emitterClient = await redisClient();
  emitter = new Emitter(emitterClient);
  pub = await redisClient();
  sub = pub.duplicate();
  sub.on('error', () => {});
  await sub.connect();
  httpServer = createServer();
  io = new Server(httpServer, { adapter: createAdapter(pub, sub) });
  io.on('connection', (s) => { if (s.handshake.auth.room) s.join(s.handshake.auth.room); });
  const port = await freePort();
  await new Promise((r) => httpServer.listen(port, '127.0.0.1', r));
  nodeUrl = `http://127.0.0.1:${port}`;
  // chatgate's subscriptions are in place once it answers /ready
  await eventually(async () => (await fetch(`${cg.http}/ready`)).status === 200, 5000, 'chatgate ready');
});

after(async () => {
  io?.close();
  for (const c of [emitterClient, pub, sub]) await c?.quit().catch(() => {});
  if (cg) { await cg.stop(); cg.cleanup(); }
});

const connect = (id) => connectAs(cg.ws, tokenFor(id));

test('redis-emitter: to(user:{id}) and to(conversation:{id}) reach chatgate clients, binary and dates included', { skip }, async () => {
  const alice = user('alice'), bob = user('bob');
  const conv = await api(cg.http, tokenFor(alice)).post('/conversations', { type: 'group', participantIds: [bob] });
  const { socket: sa } = await connect(alice);
  try {
    const direct = waitFor(sa, 'notice');
    emitter.to(`user:${alice}`).emit('notice', { text: 'hi', n: 42, f: 1.5 });
    assert.deepEqual(await direct, { text: 'hi', n: 42, f: 1.5 });
    const roomed = new Promise((resolve) => sa.once('roomed', (...args) => resolve(args)));
    const when = new Date(Date.UTC(2026, 10, 25, 21, 4, 5, 123));
    emitter.to(`conversation:${conv.body.id}`).emit('roomed', Buffer.from([1, 2, 3]), when, null);
    const [bin, date, nil] = await roomed;
    assert.deepEqual([...new Uint8Array(bin)], [1, 2, 3]);
    assert.equal(date, '2026-11-25T21:04:05.123Z');
    assert.equal(nil, null);
  } finally { closeAll(sa); }
});

test('redis-emitter: socketsJoin / socketsLeave / disconnectSockets act on chatgate sockets', { skip }, async () => {
  const carol = user('carol');
  const { socket: sc } = await connect(carol);
  try {
    emitter.in(`user:${carol}`).socketsJoin(`${run}-extra`);
    const got = waitFor(sc, 'extra');
    emitter.to(`${run}-extra`).emit('extra', 1);
    assert.equal(await got, 1);
    emitter.in(`user:${carol}`).socketsLeave(`${run}-extra`);
    const seen = [];
    sc.on('extra', (v) => seen.push(v));
    emitter.to(`${run}-extra`).emit('extra', 2);
    emitter.to(`user:${carol}`).emit('marker');
    await waitFor(sc, 'marker');
    assert.deepEqual(seen, []);
    const gone = disconnected(sc);
    emitter.in(`user:${carol}`).disconnectSockets(true);
    assert.ok(await gone);
  } finally { closeAll(sc); }
});

test('a Node socket.io server with the Redis adapter counts chatgate and finds its sockets', { skip }, async () => {
  const dave = user('dave');
  const { socket: sd, connected } = await connect(dave);
  try {
    assert.equal(await io.of('/').adapter.serverCount(), 2);  // Node itself + one chatgate
    const found = await io.in(`user:${dave}`).fetchSockets();
    assert.equal(found.length, 1);
    assert.equal(found[0].id, connected.socketId);
    assert.equal(found[0].data.userId, dave);
    assert.ok(found[0].rooms.has(`user:${dave}`));
    const rooms = await io.of('/').adapter.allRooms();
    assert.ok(rooms.has(`user:${dave}`));
  } finally { closeAll(sd); }
});

test('broadcasts cross both ways between Node and chatgate, with acks', { skip }, async () => {
  const erin = user('erin'), fred = user('fred');
  const conv = await api(cg.http, tokenFor(erin)).post('/conversations', { type: 'group', participantIds: [fred] });
  const { socket: se } = await connect(erin);
  const nodeClient = socketTo(nodeUrl, { auth: { room: `conversation:${conv.body.id}` } });
  try {
    await waitFor(nodeClient, 'connect');
    // chatgate -> Node: a REST message to the conversation room reaches the Node server's client
    const onNode = waitFor(nodeClient, 'message:new');
    const m = await api(cg.http, tokenFor(fred)).post(`/conversations/${conv.body.id}/messages`, { content: 'to node' });
    assert.equal((await onNode).id, m.body.id);
    // Node -> chatgate
    const onCg = waitFor(se, 'from-node');
    io.to(`user:${erin}`).emit('from-node', { ok: true });
    assert.deepEqual(await onCg, { ok: true });
    // Node's socketsJoin on a chatgate socket, then a broadcast to that room
    io.in(`user:${erin}`).socketsJoin(`${run}-node-room`);
    const joined = waitFor(se, 'in-node-room');
    io.to(`${run}-node-room`).emit('in-node-room', 'yes');
    assert.equal(await joined, 'yes');
    // Node's broadcast with ack answered by a chatgate client
    se.on('question', (v, cb) => cb(v + 1));
    const answers = await io.to(`user:${erin}`).timeout(3000).emitWithAck('question', 41);
    assert.deepEqual(answers, [42]);
  } finally { closeAll(se, nodeClient); }
});

test("chatgate's REMOTE_FETCH (admin connections) is answered by the Node server too", { skip }, async () => {
  const gil = user('gil');
  const { socket: sg } = await connect(gil);
  // A socket of the Node server in gil's user room: Node answers with it, chatgate leaves it out
  // (no chatgate socket data), and the listing does not wait for a timeout.
  const nodeClient = socketTo(nodeUrl, { auth: { room: `user:${gil}` } });
  try {
    await waitFor(nodeClient, 'connect');
    assert.equal((await io.in(`user:${gil}`).local.fetchSockets()).length, 1);
    const ops = tokenFor(user('ops'), { claims: { roles: ['admin'] } });
    const began = Date.now();
    const r = await api(cg.http, ops).get(`/admin/connections?userId=${encodeURIComponent(gil)}`);
    const took = Date.now() - began;
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.items.map((i) => i.id), [sg.id]);
    assert.ok(took < 2500, `answered in ${took} ms: Node's answer matched, no 5 s timeout`);
    assert.doesNotMatch(cg.output(), /not every instance answered/);
  } finally { closeAll(sg, nodeClient); }
});
