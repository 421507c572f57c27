// Gateway limits and connect options: RATE_LIMIT over sockets and REST (seed test 20),
// MAX_CONNECTIONS_PER_USER, and the three places a token may travel (seed §4.6, contract §2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { socketTo, connectAs, waitFor, collect, expectNone, ask, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
const user = (name) => `${name}-${run}-${++next}`;
const rest = (u) => api(server.http, tokenFor(u));
const sockets = [];
async function connect(u, opts) {
  const c = await connectAs(server.ws, tokenFor(u), opts);
  sockets.push(c.socket);
  return c;
}
async function group(owner, others) {
  const r = await rest(owner).post('/conversations', { type: 'group', name: 'g', participantIds: others });
  assert.equal(r.status, 201);
  return r.body;
}
const count = async (u, id) => (await rest(u).get(`/conversations/${id}/messages?limit=100`)).body.items.length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await start({ env: { RATE_LIMIT: '5/2s', MAX_CONNECTIONS_PER_USER: '2' } });
});
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

test('20: past RATE_LIMIT message:send gets RATE_LIMITED with retryAfterMs, nothing stored, until the window moves', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a);
  const { socket: sb } = await connect(b);
  for (let i = 0; i < 5; i++) {
    const ack = await ask(sa, 'message:send', { conversationId: conv.id, content: `m${i}` });
    assert.equal(ack.success, true, JSON.stringify(ack));
  }
  const news = collect(sb, 'message:new');
  const err = waitFor(sa, 'error');
  const limited = await ask(sa, 'message:send', { conversationId: conv.id, content: 'one too many' });
  assert.equal(limited.success, false);
  assert.equal(limited.error.code, 'RATE_LIMITED');
  assert.ok(limited.error.retryAfterMs > 0 && limited.error.retryAfterMs <= 2000, JSON.stringify(limited));
  const ev = await err;
  assert.equal(ev.code, 'RATE_LIMITED');
  assert.equal(ev.originalEvent, 'message:send');
  assert.ok(ev.retryAfterMs > 0);
  // REST shares the same budget.
  const viaRest = await rest(a).post(`/conversations/${conv.id}/messages`, { content: 'rest too' });
  assert.equal(viaRest.status, 429);
  await expectNone(news, 200);
  assert.equal(await count(a, conv.id), 5);
  await sleep(limited.error.retryAfterMs + 100);
  const again = await ask(sa, 'message:send', { conversationId: conv.id, content: 'after cooldown' });
  assert.equal(again.success, true);
  assert.equal(await count(a, conv.id), 6);
});

test('MAX_CONNECTIONS_PER_USER: at the limit all connect; past it error CONNECTION_ERROR, then disconnect', async () => {
  const a = user('a'), b = user('b');
  await group(a, [b]);
  const { socket: sb } = await connect(b);
  const { socket: s1 } = await connect(a);
  const { socket: s2 } = await connect(a);
  const offline = collect(sb, 'user:offline');
  const extra = socketTo(server.ws, { auth: { token: tokenFor(a) } });
  sockets.push(extra);
  const connected = collect(extra, 'connected');
  const [err, reason] = await Promise.all([waitFor(extra, 'error'), waitFor(extra, 'disconnect')]);
  assert.equal(err.code, 'CONNECTION_ERROR');
  assert.match(err.timestamp, /Z$/);
  assert.equal(reason, 'io server disconnect');
  assert.equal(connected.length, 0);
  // The refused socket neither counted nor took the user offline.
  await expectNone(offline, 200);
  assert.equal(s1.connected && s2.connected, true);
  assert.deepEqual((await rest(b).post('/presence', { userIds: [a] })).body.online, [a]);
  s1.close();
  await sleep(200);
  const { socket: s3 } = await connect(a);
  assert.equal(s3.connected, true);
});

test('token in the query string', async () => {
  const u = user('q');
  const c = await connectAs(server.ws, undefined, { query: { token: tokenFor(u) } });
  sockets.push(c.socket);
  assert.equal(c.connected.userId, u);
});

test('token in an Authorization: Bearer header (polling transport, extraHeaders)', async () => {
  const u = user('h');
  const c = await connectAs(server.ws, undefined, {
    transports: ['polling'], extraHeaders: { Authorization: `Bearer ${tokenFor(u)}` },
  });
  sockets.push(c.socket);
  assert.equal(c.connected.userId, u);
  assert.equal(c.socket.io.engine.transport.name, 'polling');
  const ack = await ask(c.socket, 'ping', {});
  assert.equal(ack.event, 'pong');
});

test('auth.token wins over the query token, which wins over the header', async () => {
  const good = user('g');
  const bad = 'x.y.z';
  const s = socketTo(server.ws, { auth: { token: bad }, query: { token: tokenFor(good) } });
  sockets.push(s);
  assert.equal((await waitFor(s, 'error')).code, 'UNAUTHORIZED');
  const c = await connectAs(server.ws, undefined, {
    query: { token: tokenFor(good) }, transports: ['polling'], extraHeaders: { Authorization: `Bearer ${bad}` },
  });
  sockets.push(c.socket);
  assert.equal(c.connected.userId, good);
});

test('websocket-only and polling-only clients get the same events', async () => {
  const a = user('a'), b = user('b');
  const conv = await group(a, [b]);
  const { socket: sa } = await connect(a, { transports: ['websocket'] });
  const { socket: sb } = await connect(b, { transports: ['polling'] });
  const got = waitFor(sb, 'message:new');
  const ack = await ask(sa, 'message:send', { conversationId: conv.id, content: 'across transports' });
  assert.deepEqual(await got, ack.message);
});
