// IO_THREADS=2 against the real binary with the official socket.io-client: connections spread
// over both io threads (the Engine.IO sid's first character names the owner: 'A' thread 0, 'B'
// thread 1), websocket, polling-only and upgrading clients mixed; a room broadcast (typing) and
// message:new reach every participant exactly once and in seq order; polling requests and the
// websocket upgrade are handed to the session's own thread; the per-user connection limit counts
// both threads; /metrics sums both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, collect, expectNone, ask, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
const user = (name) => `${name}-${run}-${++next}`;
const rest = (u) => api(server.http, tokenFor(u));
const sockets = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function connect(u, opts = {}) {
  const c = await connectAs(server.ws, tokenFor(u), opts);
  sockets.push(c.socket);
  return c.socket;
}
async function metric(name) {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
const owner = (socket) => socket.io.engine.id[0];
const kinds = [
  { name: 'websocket', opts: { transports: ['websocket'] } },
  { name: 'polling', opts: { transports: ['polling'] } },
  { name: 'upgrading', opts: {} },
];

before(async () => {
  server = await start({ env: { IO_THREADS: '2', MAX_CONNECTIONS_PER_USER: '3' } });
});
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

test('/metrics reports two io threads', async () => {
  assert.equal(await metric('chatgate_io_threads'), 2);
});

test('clients of every transport spread over both threads; broadcasts reach each exactly once, in seq order', async () => {
  const users = Array.from({ length: 6 }, (_, i) => user(`u${i}`));
  const r = await rest(users[0]).post('/conversations', { type: 'group', name: 'g', participantIds: users.slice(1) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  // Two sockets per user, one of each kind in turn: 12 sockets over 2 threads.
  const members = [];
  for (let i = 0; i < users.length * 2; ++i) {
    const kind = kinds[i % kinds.length];
    const u = users[i % users.length];
    members.push({ user: u, kind: kind.name, socket: await connect(u, kind.opts) });
  }
  await sleep(300);  // upgrades settle
  const owners = new Set(members.map((m) => owner(m.socket)));
  assert.deepEqual([...owners].sort(), ['A', 'B'], 'sessions on both threads');
  for (const k of kinds) {
    const onB = members.filter((m) => m.kind === k.name && owner(m.socket) === 'B');
    const onA = members.filter((m) => m.kind === k.name && owner(m.socket) === 'A');
    assert.ok(onA.length + onB.length > 0, k.name);
  }

  // A room broadcast from one thread (typing) reaches every other user's sockets on both.
  const typist = members[0];
  const heard = members.map((m) => collect(m.socket, 'typing'));
  assert.deepEqual(await ask(typist.socket, 'typing:start', { conversationId: id }), { success: true });
  await sleep(400);
  members.forEach((m, i) => {
    const expected = m.user === typist.user ? 0 : 1;
    assert.equal(heard[i].length, expected, `${m.kind} socket of ${m.user} on ${owner(m.socket)}: ${JSON.stringify(heard[i])}`);
  });

  // message:new from senders on both threads (sockets and REST): each socket gets each message
  // exactly once, in seq order.
  const got = members.map((m) => collect(m.socket, 'message:new'));
  const sent = 30;
  const acks = [];
  for (let i = 0; i < sent; ++i) {
    if (i % 3 === 2) {
      acks.push(rest(users[i % users.length]).post(`/conversations/${id}/messages`, { content: `m${i}` }));
    } else {
      const m = members[i % members.length];
      acks.push(ask(m.socket, 'message:send', { conversationId: id, content: `m${i}` }));
    }
  }
  await Promise.all(acks);
  const deadline = Date.now() + 5000;
  while (got.some((g) => g.length < sent) && Date.now() < deadline) await sleep(50);
  members.forEach((m, i) => {
    const seqs = got[i].map((e) => e.seq);
    assert.equal(seqs.length, sent, `${m.kind} socket on ${owner(m.socket)} got ${seqs.length}`);
    assert.equal(new Set(got[i].map((e) => e.id)).size, sent, 'no duplicates');
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'seq order');
  });
  await expectNone(got[0], 300, () => true, 'extra message:new');
  // Polling requests and upgrades that arrived on the other thread were handed to the owner.
  assert.ok(await metric('chatgate_io_handoffs_total') > 0);
});

test('a polling-only client on thread 1 and one on thread 0 talk through many requests', async () => {
  const a = user('pa'), b = user('pb');
  const r = await rest(a).post('/conversations', { type: 'direct', participantIds: [b] });
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  const id = r.body.id;
  const sa = await connect(a, { transports: ['polling'] });
  const sb = await connect(b, { transports: ['polling'] });
  const got = collect(sb, 'message:new');
  for (let i = 0; i < 20; ++i) {
    const ack = await ask(sa, 'message:send', { conversationId: id, content: `p${i}` });
    assert.equal(ack.success, true, JSON.stringify(ack));
  }
  const deadline = Date.now() + 5000;
  while (got.length < 20 && Date.now() < deadline) await sleep(50);
  assert.deepEqual(got.map((m) => m.content), Array.from({ length: 20 }, (_, i) => `p${i}`));
});

test('MAX_CONNECTIONS_PER_USER counts the sockets of both threads', async () => {
  const u = user('limit');
  const held = [];
  for (let i = 0; i < 3; ++i) held.push(await connect(u, { transports: ['websocket'] }));
  assert.equal(new Set(held.map(owner)).size, 2, 'the three sockets use both threads');
  await assert.rejects(connect(u, { transports: ['websocket'] }), (e) => e.payload?.code === 'CONNECTION_ERROR');
  await assert.rejects(connect(u, { transports: ['websocket'] }), (e) => e.payload?.code === 'CONNECTION_ERROR');
  closeAll(held);
});

test('presence counts users on both threads; /metrics sums the sockets of both', async () => {
  const before = await metric('chatgate_socket_connections');
  const a = user('x'), b = user('y');
  await connect(a, { transports: ['websocket'] });
  await connect(b, { transports: ['websocket'] });
  assert.equal(await metric('chatgate_socket_connections'), before + 2);
  const r = await rest(a).post('/presence', { userIds: [a, b] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(JSON.stringify(r.body).includes(b) && JSON.stringify(r.body).includes(a), JSON.stringify(r.body));
  const sessions = await metric('chatgate_engineio_sessions');
  assert.ok(sessions >= 2, `sessions ${sessions}`);
});

test("typing of a user with sockets on both threads: one typist, a stop from either socket, ended by the last socket on any thread", async () => {
  const t = user('typist'), l = user('listener');
  const r = await rest(t).post('/conversations', { type: 'direct', participantIds: [l] });
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  const id = r.body.id;
  // Two sockets of the typist, one per thread; listeners on both threads.
  const mine = [];
  while (new Set(mine.map(owner)).size < 2) mine.push(await connect(t, { transports: ['websocket'] }));
  const [t0, t1] = [mine.find((s) => owner(s) === 'A'), mine.find((s) => owner(s) === 'B')];
  for (const s of mine) if (s !== t0 && s !== t1) s.close();
  const listeners = [];
  while (new Set(listeners.map(owner)).size < 2) listeners.push(await connect(l, { transports: ['websocket'] }));
  const heard = listeners.map((s) => collect(s, 'typing'));
  const events = (k) => heard[k].filter((e) => e.userId === t).map((e) => e.isTyping);
  const settle = () => sleep(300);

  // Starts from both threads within the throttle: one typist, one isTyping:true per listener.
  assert.deepEqual(await ask(t0, 'typing:start', { conversationId: id }), { success: true });
  assert.deepEqual(await ask(t1, 'typing:start', { conversationId: id }), { success: true });
  await settle();
  heard.forEach((_, k) => assert.deepEqual(events(k), [true], `listener ${k}`));
  // A stop from the other thread's socket ends it.
  assert.deepEqual(await ask(t1, 'typing:stop', { conversationId: id }), { success: true });
  await settle();
  heard.forEach((_, k) => assert.deepEqual(events(k), [true, false], `listener ${k}`));

  // Typing again (past the 1 s throttle), then the sockets go one by one: the typing ends with
  // the last one, whichever thread it is on.
  await sleep(1000);
  assert.deepEqual(await ask(t1, 'typing:start', { conversationId: id }), { success: true });
  await settle();
  heard.forEach((_, k) => assert.deepEqual(events(k), [true, false, true], `listener ${k}`));
  t0.close();
  await settle();
  heard.forEach((_, k) => assert.deepEqual(events(k), [true, false, true], `listener ${k}: t1 remains`));
  t1.close();
  await settle();
  heard.forEach((_, k) => assert.deepEqual(events(k), [true, false, true, false], `listener ${k}`));
});
