// The seed's §4.16 tests 1-17 and 19 against the real binary with the official socket.io-client
// (contract §6). Each test uses its own users, so one server serves the whole file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor, sign } from './lib/token.mjs';
import { socketTo, connectAs, waitFor, collect, expectNone, ask, disconnected, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
/** A fresh user id per call, so tests do not see each other's events. */
const user = (name) => `${name}-${run}-${++next}`;
const rest = (u) => api(server.http, tokenFor(u));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const sockets = [];
async function connect(u, opts) {
  const c = await connectAs(server.ws, tokenFor(u), opts);
  sockets.push(c.socket);
  return c;
}
async function group(owner, others, name = 'g') {
  const r = await rest(owner).post('/conversations', { type: 'group', name, participantIds: others });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
async function messages(u, conversationId) {
  const r = await rest(u).get(`/conversations/${conversationId}/messages?limit=100`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
}

before(async () => { server = await start(); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

test('1: a valid token gets `connected` {userId, socketId, rooms, timestamp} and stays connected', async () => {
  const a = user('a'), b = user('b');
  await group(a, [b]);
  await group(b, [a]);
  const { socket, connected } = await connect(a);
  const errors = collect(socket, 'error');
  assert.deepEqual(Object.keys(connected).sort(), ['rooms', 'socketId', 'timestamp', 'userId']);
  assert.equal(connected.userId, a);
  assert.equal(connected.socketId, socket.id);
  assert.equal(connected.rooms, 3); // two conversations + user:{id}
  assert.match(connected.timestamp, ISO);
  await expectNone(errors, 300);
  assert.equal(socket.connected, true);
});

test('1b: the user id comes from externalUserId before sub', async () => {
  const ext = user('ext');
  const token = tokenFor('sub-ignored', { claims: { externalUserId: ext } });
  const c = await connectAs(server.ws, token);
  sockets.push(c.socket);
  assert.equal(c.connected.userId, ext);
  assert.equal(c.connected.rooms, 1);
});

for (const [name, token] of [
  ['expired', () => tokenFor('x', { ttlSec: -60 })],
  ['malformed', () => 'not.a.jwt'],
  ['wrong secret', () => tokenFor('x', { secret: 'another-secret-0123456789abcdef0123' })],
  ['alg none', () => sign({ sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 }, { alg: 'none' })],
]) {
  test(`2: an invalid token (${name}) gets error UNAUTHORIZED, then a server disconnect`, async () => {
    const socket = socketTo(server.ws, { auth: { token: token() } });
    sockets.push(socket);
    const connected = collect(socket, 'connected');
    const [err, reason] = await Promise.all([waitFor(socket, 'error'), waitFor(socket, 'disconnect')]);
    assert.equal(err.code, 'UNAUTHORIZED');
    assert.equal(typeof err.message, 'string');
    assert.match(err.timestamp, ISO);
    assert.equal(reason, 'io server disconnect');
    assert.equal(connected.length, 0);
  });
}

test('3: no token gets error UNAUTHORIZED, then a server disconnect', async () => {
  const socket = socketTo(server.ws);
  sockets.push(socket);
  const [err, reason] = await Promise.all([waitFor(socket, 'error'), waitFor(socket, 'disconnect')]);
  assert.equal(err.code, 'UNAUTHORIZED');
  assert.equal(reason, 'io server disconnect');
});

test('4: message:send acks {success, message}; sender and other participants get message:new', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const gotA = waitFor(sa, 'message:new');
  const gotB = waitFor(sb, 'message:new');
  const ack = await ask(sa, 'message:send', {
    conversationId: conv.id, content: 'hello', attachments: [{ externalFileId: 'f-1', label: 'a.png' }],
    metadata: { k: 1 },
  });
  assert.equal(ack.success, true);
  assert.equal(ack.message.content, 'hello');
  assert.equal(ack.message.senderId, a);
  assert.equal(ack.message.conversationId, conv.id);
  assert.equal(ack.message.seq, 1);
  assert.deepEqual(ack.message.metadata, { k: 1 });
  assert.deepEqual(ack.message.attachments, [{ externalFileId: 'f-1', label: 'a.png' }]);
  assert.deepEqual(await gotA, ack.message);
  assert.deepEqual(await gotB, ack.message);
  const stored = await messages(b, conv.id);
  assert.deepEqual(stored, [ack.message]);
});

test('5: message:send to a conversation the user is not in: FORBIDDEN, nothing broadcast or stored', async () => {
  const a = user('a'), b = user('b'), out = user('out');
  const conv = await group(a, [b]);
  const { socket: sb } = await connect(b);
  const { socket: so } = await connect(out);
  const newB = collect(sb, 'message:new');
  const errEvent = waitFor(so, 'error');
  const ack = await ask(so, 'message:send', { conversationId: conv.id, content: 'intrude' });
  assert.deepEqual(ack, { success: false, error: { code: 'FORBIDDEN', message: ack.error.message } });
  const err = await errEvent;
  assert.equal(err.code, 'FORBIDDEN');
  assert.equal(err.originalEvent, 'message:send');
  assert.match(err.timestamp, ISO);
  // A conversation that does not exist answers the same (ids do not leak).
  const ghost = await ask(so, 'message:send', { conversationId: '0123456789abcdef01234567', content: 'x' });
  assert.equal(ghost.error.code, 'FORBIDDEN');
  await expectNone(newB, 300);
  assert.deepEqual(await messages(a, conv.id), []);
});

test('6: a message sent over REST reaches the sockets as message:new', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const gotA = waitFor(sa, 'message:new');
  const gotB = waitFor(sb, 'message:new');
  const r = await rest(a).post(`/conversations/${conv.id}/messages`, { content: 'via rest' });
  assert.equal(r.status, 201);
  assert.deepEqual(await gotA, r.body);
  assert.deepEqual(await gotB, r.body);
});

test('7: two sockets of one user both get message:new; presence counts the user online until the last leaves', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: s1 } = await connect(a);
  const { socket: s2, connected } = await connect(a);
  assert.notEqual(connected.socketId, s1.id);
  const got1 = waitFor(s1, 'message:new');
  const got2 = waitFor(s2, 'message:new');
  const ack = await ask(s1, 'message:send', { conversationId: conv.id, content: 'both tabs' });
  assert.deepEqual(await got1, ack.message);
  assert.deepEqual(await got2, ack.message);
  const online = async () => (await rest(b).post('/presence', { userIds: [a, b] })).body.online;
  assert.deepEqual(await online(), [a]);
  s1.close();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await online(), [a]);
  s2.close();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await online(), []);
});

test('8: message:edit acks the updated message; all participants get message:updated', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const sent = await ask(sa, 'message:send', { conversationId: conv.id, content: 'v1' });
  const updA = waitFor(sa, 'message:updated');
  const updB = waitFor(sb, 'message:updated');
  const ack = await ask(sa, 'message:edit', { messageId: sent.message.id, content: 'v2' });
  assert.equal(ack.success, true);
  assert.equal(ack.message.id, sent.message.id);
  assert.equal(ack.message.content, 'v2');
  assert.equal(ack.message.isEdited, true);
  const expected = {
    messageId: sent.message.id, content: 'v2', isEdited: true, updatedAt: ack.message.updatedAt,
    conversationId: conv.id,
  };
  assert.deepEqual(await updA, expected);
  assert.deepEqual(await updB, expected);
  assert.equal((await messages(b, conv.id))[0].content, 'v2');
});

test("9: editing another user's message is FORBIDDEN and changes nothing", async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const sent = await ask(sa, 'message:send', { conversationId: conv.id, content: 'mine' });
  const updates = collect(sa, 'message:updated');
  const err = waitFor(sb, 'error');
  const ack = await ask(sb, 'message:edit', { messageId: sent.message.id, content: 'yours now' });
  assert.equal(ack.success, false);
  assert.equal(ack.error.code, 'FORBIDDEN');
  assert.equal((await err).originalEvent, 'message:edit');
  await expectNone(updates, 200);
  assert.equal((await messages(a, conv.id))[0].content, 'mine');
});

test('10: message:delete acks {success: true}; all participants get message:deleted', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const sent = await ask(sa, 'message:send', { conversationId: conv.id, content: 'bye' });
  const delA = waitFor(sa, 'message:deleted');
  const delB = waitFor(sb, 'message:deleted');
  const ack = await ask(sa, 'message:delete', { messageId: sent.message.id });
  assert.deepEqual(ack, { success: true });
  const ev = await delB;
  assert.deepEqual(Object.keys(ev).sort(), ['conversationId', 'deletedAt', 'messageId']);
  assert.equal(ev.messageId, sent.message.id);
  assert.equal(ev.conversationId, conv.id);
  assert.match(ev.deletedAt, ISO);
  assert.deepEqual(await delA, ev);
  const [stored] = await messages(a, conv.id);
  assert.equal(stored.isDeleted, true);
  assert.equal(stored.deletedAt, ev.deletedAt);
});

test("11: A gets user:online with B's id when B connects", async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const online = waitFor(sa, 'user:online');
  const { socket: sb } = await connect(b);
  const ev = await online;
  assert.equal(ev.userId, b);
  assert.equal(ev.conversationId, conv.id);
  assert.match(ev.timestamp, ISO);
  // B's own sockets are not told about B; a second socket of B is not announced again.
  const ownB = collect(sb, 'user:online');
  const again = collect(sa, 'user:online');
  await connect(b);
  await expectNone(again, 300);
  await expectNone(ownB, 0);
});

test("12: A gets user:offline with B's id when B's last socket disconnects", async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb1 } = await connect(b);
  const { socket: sb2 } = await connect(b);
  const offline = collect(sa, 'user:offline');
  sb1.close();
  await expectNone(offline, 300);
  const ev = waitFor(sa, 'user:offline');
  sb2.close();
  const got = await ev;
  assert.equal(got.userId, b);
  assert.equal(got.conversationId, conv.id);
  assert.match(got.timestamp, ISO);
});

test('13: a conversation created over REST reaches A as conversation:new, and A is in its room', async () => {
  const a = user('a'), b = user('b');
  const { socket: sa } = await connect(a);
  const got = waitFor(sa, 'conversation:new');
  const r = await rest(b).post('/conversations', { type: 'direct', participantIds: [a] });
  assert.equal(r.status, 201);
  assert.deepEqual(await got, r.body);
  const msg = waitFor(sa, 'message:new');
  await rest(b).post(`/conversations/${r.body.id}/messages`, { content: 'are you there' });
  assert.equal((await msg).content, 'are you there');
});

test('14: adding C over REST: A and B get participant:added, C gets conversation:joined and joins the room', async () => {
  const a = user('a'), b = user('b'), c = user('c');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const { socket: sc } = await connect(c);
  const addA = waitFor(sa, 'participant:added');
  const addB = waitFor(sb, 'participant:added');
  const joined = waitFor(sc, 'conversation:joined');
  const r = await rest(a).post(`/conversations/${conv.id}/participants`, { userId: c });
  assert.equal(r.status, 201);
  for (const ev of [await addA, await addB]) {
    assert.equal(ev.conversationId, conv.id);
    assert.equal(ev.userId, c);
    assert.match(ev.timestamp, ISO);
  }
  const j = await joined;
  assert.equal(j.id, conv.id);
  assert.ok(j.participants.some((p) => p.userId === c));
  const msg = waitFor(sc, 'message:new');
  await ask(sb, 'message:send', { conversationId: conv.id, content: 'welcome c' });
  assert.equal((await msg).content, 'welcome c');
});

test('15: removing C over REST: A and B get participant:removed, C gets conversation:removed and leaves the room', async () => {
  const a = user('a'), b = user('b'), c = user('c');
  const conv = await group(a, [b, c]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const { socket: sc } = await connect(c);
  const remA = waitFor(sa, 'participant:removed');
  const remB = waitFor(sb, 'participant:removed');
  const removed = waitFor(sc, 'conversation:removed');
  const r = await rest(a).del(`/conversations/${conv.id}/participants/${c}`);
  assert.equal(r.status, 200);
  for (const ev of [await remA, await remB]) {
    assert.equal(ev.conversationId, conv.id);
    assert.equal(ev.userId, c);
    assert.match(ev.timestamp, ISO);
  }
  assert.deepEqual(await removed, { conversationId: conv.id });
  // After conversation:removed nothing of that conversation reaches C.
  const afterC = collect(sc, 'message:new');
  const msgB = waitFor(sb, 'message:new');
  await ask(sa, 'message:send', { conversationId: conv.id, content: 'without c' });
  await msgB;
  await expectNone(afterC, 300);
  const join = await ask(sc, 'room:join', { conversationId: conv.id });
  assert.equal(join.error.code, 'FORBIDDEN');
});

test('15b: leaving over REST notifies the room and the leaver like a removal', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const remA = waitFor(sa, 'participant:removed');
  const removed = waitFor(sb, 'conversation:removed');
  assert.equal((await rest(b).post(`/conversations/${conv.id}/leave`)).status, 204);
  assert.equal((await remA).userId, b);
  assert.deepEqual(await removed, { conversationId: conv.id });
});

test('16: after a reconnect, messages:sync returns exactly the missed messages in seq order', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  let seen = null;
  sb.on('message:new', (m) => { seen = m; });
  const firstSeen = waitFor(sb, 'message:new');
  await ask(sa, 'message:send', { conversationId: conv.id, content: 'm1' });
  await firstSeen;
  sb.close();
  const missed = [];
  for (const content of ['m2', 'm3', 'm4']) missed.push((await ask(sa, 'message:send', { conversationId: conv.id, content })).message);
  await ask(sa, 'message:edit', { messageId: missed[1].id, content: 'm3 edited' });
  const { socket: sb2 } = await connect(b);
  const r = await ask(sb2, 'messages:sync', { conversationId: conv.id, lastMessageId: seen.id });
  assert.equal(r.success, true);
  assert.equal(r.hasMore, false);
  assert.deepEqual(r.messages.map((m) => m.seq), [2, 3, 4]);
  assert.deepEqual(r.messages.map((m) => m.content), ['m2', 'm3 edited', 'm4']);
  assert.equal(r.messages[1].isEdited, true);
  const bySeq = await ask(sb2, 'messages:sync', { conversationId: conv.id, lastSeq: 3 });
  assert.deepEqual(bySeq.messages.map((m) => m.content), ['m4']);
  const limited = await ask(sb2, 'messages:sync', { conversationId: conv.id, limit: 2 });
  assert.deepEqual(limited.messages.map((m) => m.seq), [1, 2]);
  assert.equal(limited.hasMore, true);
});

test('17: ping answers an ack {event: "pong", timestamp} and a pong event', async () => {
  const { socket } = await connect(user('p'));
  const pong = waitFor(socket, 'pong');
  const t0 = Date.now();
  const ack = await ask(socket, 'ping', {});
  const rtt = Date.now() - t0;
  assert.equal(ack.event, 'pong');
  assert.equal(typeof ack.timestamp, 'number');
  assert.ok(Math.abs(ack.timestamp - Date.now()) < 5000);
  assert.ok(rtt >= 0 && rtt < 2000);
  const ev = await pong;
  assert.equal(typeof ev.timestamp, 'number');
  // Without a payload or ack, the pong event alone.
  const pong2 = waitFor(socket, 'pong');
  socket.emit('ping');
  assert.equal(typeof (await pong2).timestamp, 'number');
});

test('19: message:send with empty content is VALIDATION_ERROR and nothing is created', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  const news = collect(sb, 'message:new');
  const err = waitFor(sa, 'error');
  const ack = await ask(sa, 'message:send', { conversationId: conv.id, content: '' });
  assert.equal(ack.success, false);
  assert.equal(ack.error.code, 'VALIDATION_ERROR');
  assert.match(ack.error.message, /content/);
  const ev = await err;
  assert.equal(ev.code, 'VALIDATION_ERROR');
  assert.equal(ev.originalEvent, 'message:send');
  await expectNone(news, 300);
  assert.deepEqual(await messages(a, conv.id), []);
});

test('room:join / room:leave: ack shapes; a left room gets no events, a joined one does', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  assert.deepEqual(await ask(sb, 'room:leave', { conversationId: conv.id }), { success: true });
  const news = collect(sb, 'message:new');
  await ask(sa, 'message:send', { conversationId: conv.id, content: 'while away' });
  await expectNone(news, 300);
  assert.deepEqual(await ask(sb, 'room:join', { conversationId: conv.id }), { success: true, room: conv.id });
  const msg = waitFor(sb, 'message:new');
  await ask(sa, 'message:send', { conversationId: conv.id, content: 'back' });
  assert.equal((await msg).content, 'back');
});
