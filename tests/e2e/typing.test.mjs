// Contract §8 typing indicator against the real binary with the official socket.io-client:
// who hears `typing`, the ack, FORBIDDEN for outsiders, the 1 s throttle, and each end
// (typing:stop, a message, 5 s of silence, the last socket going). Nothing is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, collect, expectNone, ask, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
const user = (name) => `${name}-${run}-${++next}`;
const rest = (u) => api(server.http, tokenFor(u));
const sockets = [];
async function connect(u) {
  const c = await connectAs(server.ws, tokenFor(u));
  sockets.push(c.socket);
  return c.socket;
}
async function group(owner, others) {
  const r = await rest(owner).post('/conversations', { type: 'group', name: 'g', participantIds: others });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => { server = await start(); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

test('typing:start reaches the room except the typist\'s own sockets; ack {success:true}', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), a2 = await connect(a), b1 = await connect(b);
  const own = collect(a2, 'typing');
  const heard = waitFor(b1, 'typing');
  assert.deepEqual(await ask(a1, 'typing:start', { conversationId: id }), { success: true });
  assert.deepEqual(await heard, { conversationId: id, userId: a, isTyping: true });
  const ended = waitFor(b1, 'typing');
  assert.deepEqual(await ask(a1, 'typing:stop', { conversationId: id }), { success: true });
  assert.deepEqual(await ended, { conversationId: id, userId: a, isTyping: false });
  await expectNone(own, 200, () => true, 'typing on the typist\'s own socket');
});

test('at most one typing:start a second is forwarded; throttled ones are still acked', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), b1 = await connect(b);
  const got = collect(b1, 'typing');
  for (let i = 0; i < 5; ++i) assert.deepEqual(await ask(a1, 'typing:start', { conversationId: id }), { success: true });
  await sleep(300);
  assert.equal(got.length, 1, JSON.stringify(got));
  await sleep(800); // past one second since the first
  await ask(a1, 'typing:start', { conversationId: id });
  await sleep(200);
  assert.equal(got.length, 2);
  assert.ok(got.every((e) => e.isTyping === true));
});

test('a typing:stop that changes nothing is acked and not forwarded', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), b1 = await connect(b);
  const got = collect(b1, 'typing');
  assert.deepEqual(await ask(a1, 'typing:stop', { conversationId: id }), { success: true });
  await expectNone(got, 300);
});

test('outsiders get FORBIDDEN whether or not the conversation exists; bad ids VALIDATION_ERROR', async () => {
  const a = user('a'), b = user('b'), d = user('d');
  const id = await group(a, [b]);
  const b1 = await connect(b), d1 = await connect(d);
  const got = collect(b1, 'typing');
  const errors = collect(d1, 'error');
  for (const ev of ['typing:start', 'typing:stop']) {
    for (const conversationId of [id, '0123456789abcdef01234567']) {
      const r = await ask(d1, ev, { conversationId });
      assert.equal(r.success, false);
      assert.equal(r.error.code, 'FORBIDDEN', `${ev} ${conversationId}`);
    }
    for (const payload of [{}, { conversationId: 5 }, { conversationId: 'nope' }, 'x']) {
      const r = await ask(d1, ev, payload);
      assert.equal(r.error.code, 'VALIDATION_ERROR', `${ev} ${JSON.stringify(payload)}`);
    }
  }
  await expectNone(got, 200);
  assert.ok(errors.some((e) => e.code === 'FORBIDDEN' && e.originalEvent === 'typing:start'));
});

test('a message of the typist ends the typing (after message:new); typing is never stored', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), b1 = await connect(b);
  const began = waitFor(b1, 'typing');
  await ask(a1, 'typing:start', { conversationId: id });
  await began;
  const order = [];
  b1.on('message:new', () => order.push('message:new'));
  b1.on('typing', (e) => order.push(`typing:${e.isTyping}`));
  await ask(a1, 'message:send', { conversationId: id, content: 'hi' });
  await sleep(300);
  assert.deepEqual(order, ['message:new', 'typing:false']);
  const r = await rest(a).get(`/conversations/${id}/messages`);
  assert.equal(r.body.items.length, 1);
});

test('5 s without a typing:start ends the typing', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), b1 = await connect(b);
  const t0 = Date.now();
  const began = waitFor(b1, 'typing');
  await ask(a1, 'typing:start', { conversationId: id });
  await began;
  const end = await waitFor(b1, 'typing', { ms: 7000 });
  const waited = Date.now() - t0;
  assert.deepEqual(end, { conversationId: id, userId: a, isTyping: false });
  assert.ok(waited >= 4900 && waited < 6500, `ended after ${waited} ms`);
});

test('the typist\'s last socket disconnecting ends the typing, an earlier one does not', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), a2 = await connect(a), b1 = await connect(b);
  const got = collect(b1, 'typing');
  const began = waitFor(b1, 'typing');
  await ask(a1, 'typing:start', { conversationId: id });
  await began;
  a1.close();
  await expectNone(got, 300, (e) => e.isTyping === false);
  a2.close();
  const end = await waitFor(b1, 'typing', { ms: 2000 });
  assert.deepEqual(end, { conversationId: id, userId: a, isTyping: false });
});
