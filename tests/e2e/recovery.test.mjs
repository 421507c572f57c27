// Connection state recovery (contract §8 "Missed messages on reconnect") with the official
// socket.io-client: RECOVERY_WINDOW_MS > 0 puts a pid in the CONNECT answer and an offset as the
// last argument of message:new/updated/deleted; a client that comes back within the window gets
// socket.recovered === true, the same socket id, its rooms and the events it missed, in order,
// also after a restart and through another instance (store-backed). The transport is dropped
// with socket.io.engine.close() (the client sees "transport close", as after a network cut) and
// the client reconnects with socket.connect(), so that the test decides when.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { socketTo, waitFor, closeAll } from './lib/socket.mjs';

const WINDOW_MS = 4000;
const pgUrl = process.env.CHATGATE_TEST_PG_URL;
const run = `rc${Date.now().toString(36)}`;
let seq = 0;
const user = (name) => `${run}-${name}-${++seq}`;

/** Every (args) of `event` on `socket`, in arrival order. */
function record(socket, event) {
  const got = [];
  socket.on(event, (...args) => got.push(args));
  return got;
}

async function until(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Connects `userId` to `url`, resolving once `connected` arrived. */
async function connect(url, userId) {
  const socket = socketTo(url, { auth: { token: tokenFor(userId) } });
  await waitFor(socket, 'connected');
  return socket;
}

/** Drops the transport (the server sees "transport close") and waits for the client's disconnect. */
async function drop(socket) {
  const gone = waitFor(socket, 'disconnect');
  socket.io.engine.close();
  assert.equal(await gone, 'forced close');  // the client closed it; the server sees the transport go
}

/** Reconnects (optionally to another base URL) and resolves once `connected` arrived again. */
async function reconnect(socket, url) {
  if (url) socket.io.uri = url;
  const greeted = waitFor(socket, 'connected');
  socket.connect();
  return greeted;
}

/** A group of alice and bob; bob connected, having received one message (so he has an offset). */
async function setup(server) {
  const alice = user('alice'), bob = user('bob');
  const rest = api(server.http, tokenFor(alice));
  const g = await rest.post('/conversations', { type: 'group', name: 'recovery', participantIds: [bob] });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const socket = await connect(server.ws, bob);
  const news = record(socket, 'message:new');
  const first = await rest.post(`/conversations/${g.body.id}/messages`, { content: 'before' });
  assert.equal(first.status, 201);
  await until(() => news.length === 1, 'the first message:new');
  return { alice, bob, rest, conv: g.body.id, socket, news, aliceToken: tokenFor(alice) };
}

async function sendThree(rest, conv) {
  const ids = [];
  for (const content of ['one', 'two', 'three']) {
    const r = await rest.post(`/conversations/${conv}/messages`, { content });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  return ids;
}

function assertOffset(args) {
  assert.equal(args.length, 2, `payload and offset: ${JSON.stringify(args)}`);
  assert.equal(typeof args[1], 'string');
  assert.match(args[1], /^[1-9][0-9]*$/);
}

test('single instance (SQLite)', async (t) => {
  const server = await start({ env: { RECOVERY_WINDOW_MS: String(WINDOW_MS) } });
  t.after(async () => { await server.stop(); server.cleanup(); });

  await t.test('a transport drop while another user sends 3 messages: recovered, the 3 in order', async () => {
    const { rest, conv, socket, news } = await setup(server);
    const connects = record(socket, 'connect');
    assertOffset(news[0]);
    const id = socket.id;
    assert.equal(socket.recovered, false);
    await drop(socket);
    const ids = await sendThree(rest, conv);
    const again = await reconnect(socket);
    assert.equal(socket.recovered, true);
    assert.equal(socket.id, id);
    assert.equal(again.socketId, id);  // `connected` again, same id
    assert.equal(connects.length, 1);
    assert.deepEqual(news.slice(1).map((a) => a[0].id), ids);
    assert.deepEqual(news.slice(1).map((a) => a[0].content), ['one', 'two', 'three']);
    for (const a of news) assertOffset(a);
    const offsets = news.map((a) => BigInt(a[1]));
    for (let i = 1; i < offsets.length; ++i) assert.ok(offsets[i] > offsets[i - 1]);
    // The rooms are back: a new message arrives live, exactly once.
    await rest.post(`/conversations/${conv}/messages`, { content: 'live' });
    await until(() => news.length === 5, 'the live message');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(news.length, 5);
    assert.equal(news[4][0].content, 'live');
    socket.close();
  });

  await t.test('edits, deletions, reactions made meanwhile are replayed; other events carry no offset', async () => {
    const { alice, rest, conv, socket, news } = await setup(server);
    const a = await rest.post(`/conversations/${conv}/messages`, { content: 'to edit' });
    const b = await rest.post(`/conversations/${conv}/messages`, { content: 'to delete' });
    const updated = record(socket, 'message:updated');
    const deleted = record(socket, 'message:deleted');
    const reacted = record(socket, 'message:reaction');
    const online = record(socket, 'user:online');
    await until(() => news.length === 3, 'both message:new');  // the client's offset moved
    await drop(socket);
    assert.equal((await rest.patch(`/messages/${a.body.id}`, { content: 'edited' })).status, 200);
    assert.equal((await rest.del(`/messages/${b.body.id}`)).status, 200);
    assert.equal((await rest.post(`/messages/${a.body.id}/reactions`, { emoji: '👍' })).status, 201);
    await reconnect(socket);
    assert.equal(socket.recovered, true);
    await until(() => updated.length === 1 && deleted.length === 1 && reacted.length === 1,
      'replayed edit, delete and reaction');
    assert.equal(reacted[0][0].messageId, a.body.id);
    assert.equal(reacted[0][0].emoji, '👍');
    assert.equal(reacted[0][0].action, 'added');
    assert.deepEqual(reacted[0][0].reactions.map((r) => [r.emoji, r.count]), [['👍', 1]]);
    assertOffset(reacted[0]);
    assert.ok(BigInt(reacted[0][1]) > BigInt(deleted[0][1]));  // in the order they happened
    assert.equal(updated[0][0].messageId, a.body.id);
    assert.equal(updated[0][0].content, 'edited');
    assertOffset(updated[0]);
    assert.equal(deleted[0][0].messageId, b.body.id);
    assertOffset(deleted[0]);
    // A non-recoverable event: exactly one argument.
    const alice1 = await connect(server.ws, alice);
    await until(() => online.length === 1, 'user:online');
    assert.equal(online[0].length, 1);
    closeAll(alice1, socket);
  });

  await t.test('past the window: recovered === false, a new socket id', async () => {
    const { rest, conv, socket } = await setup(server);
    const id = socket.id;
    await drop(socket);
    await sendThree(rest, conv);
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    await reconnect(socket);
    assert.equal(socket.recovered, false);
    assert.notEqual(socket.id, id);
    socket.close();
  });

  await t.test('an unknown pid, or another user\'s, is a normal connect', async () => {
    const { socket } = await setup(server);
    const pid = socket._pid;
    assert.equal(typeof pid, 'string');
    const eve = socketTo(server.ws, { auth: { token: tokenFor(user('eve')), pid, offset: '1' } });
    await waitFor(eve, 'connected');
    assert.notEqual(eve.id, socket.id);
    const stranger = socketTo(server.ws, { auth: { token: tokenFor(user('x')), pid: 'nope', offset: '1' } });
    await waitFor(stranger, 'connected');
    closeAll(eve, stranger, socket);
  });

  await t.test('a client namespace disconnect ends the session', async () => {
    const { socket } = await setup(server);
    socket.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    await reconnect(socket);
    assert.equal(socket.recovered, false);
    socket.close();
  });
});

test('after a restart of the server (SQLite)', async (t) => {
  let server = await start({ env: { RECOVERY_WINDOW_MS: '20000' } });
  t.after(async () => { await server.stop(); server.cleanup(); });
  const { rest, conv, socket, news } = await setup(server);
  const id = socket.id;
  const gone = waitFor(socket, 'disconnect');
  await server.stop();
  await gone;
  const http = new URL(server.http), ws = new URL(server.ws);
  server = await start({ dir: server.dir, dbPath: server.dbPath, httpPort: +http.port, wsPort: +ws.port,
    env: { RECOVERY_WINDOW_MS: '20000' } });
  const ids = await sendThree(rest, conv);  // same ports: the same REST base
  await reconnect(socket);
  assert.equal(socket.recovered, true);
  assert.equal(socket.id, id);
  assert.deepEqual(news.slice(1).map((a) => a[0].id), ids);
  socket.close();
});

for (const backend of ['sqlite', 'postgresql']) {
  const skip = backend === 'postgresql' && !pgUrl ? 'CHATGATE_TEST_PG_URL is not set' : false;
  test(`through another instance (${backend})`, { skip }, async (t) => {
    const env = { RECOVERY_WINDOW_MS: '20000', ...(backend === 'postgresql' ? { DATABASE_URL: pgUrl } : {}) };
    const a = await start({ env });
    const b = await start({ env, ...(backend === 'sqlite' ? { dbPath: a.dbPath } : {}) });
    t.after(async () => { for (const s of [a, b]) await s.stop(); b.cleanup(); a.cleanup(); });
    const { rest, conv, socket, news, aliceToken } = await setup(a);
    const id = socket.id;
    await drop(socket);
    const ids = await sendThree(rest, conv);
    await reconnect(socket, b.ws);
    assert.equal(socket.recovered, true);
    assert.equal(socket.id, id);
    assert.deepEqual(news.slice(1).map((x) => x[0].id), ids);
    // Live on the new instance: a message sent there reaches the recovered socket.
    await api(b.http, aliceToken).post(`/conversations/${conv}/messages`, { content: 'on b' });
    await until(() => news.length === 5, 'the live message on b');
    socket.close();
  });
}

test('RECOVERY_WINDOW_MS=0 (default): no pid, no offset, never recovered', async (t) => {
  const server = await start();
  t.after(async () => { await server.stop(); server.cleanup(); });
  const { rest, conv, socket, news } = await setup(server);
  assert.equal(socket._pid, undefined);
  assert.equal(news[0].length, 1);
  await drop(socket);
  await sendThree(rest, conv);
  await reconnect(socket);
  assert.ok(!socket.recovered);  // the client leaves it undefined when no pid ever came
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(news.length, 1);
  socket.close();
});
