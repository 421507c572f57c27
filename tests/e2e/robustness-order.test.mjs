// Ordering of membership events against room changes (contract §6 "Rooms"), over both
// transports: a user added by REST gets `conversation:new` / `conversation:joined` before the
// first `message:new` and misses none sent right after; a removed user gets
// `conversation:removed` and then nothing of that conversation. 'upgrade' is the client's
// default (polling, upgraded to websocket while the events flow).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, expectNone, ask, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
const user = (name) => `${name}-${run}-${++next}`;
const rest = (u) => api(server.http, tokenFor(u));
const sockets = [];

before(async () => { server = await start({ env: { RATE_LIMIT: '0/1s' } }); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

/** Connects `u` over `transport` and records every event as [name, payload], in order. */
async function listen(u, transport) {
  const opts = transport === 'upgrade' ? {} : { transports: [transport] };
  const { socket } = await connectAs(server.ws, tokenFor(u), opts);
  sockets.push(socket);
  const events = [];
  socket.onAny((name, payload) => events.push([name, payload]));
  return { socket, events };
}
const ofConversation = (id) => ([, p]) => p?.conversationId === id || p?.id === id;
async function until(what, check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const transport of ['websocket', 'polling', 'upgrade']) {
  test(`${transport}: conversation:new arrives before the message:new posted right after creation`, async () => {
    const owner = user('own'), member = user('mem');
    const { events } = await listen(member, transport);
    const ids = [];
    for (let i = 0; i < 10; i++) {
      const conv = await rest(owner).post('/conversations', { type: 'group', name: `o${i}`, participantIds: [member] });
      assert.equal(conv.status, 201);
      const msg = await rest(owner).post(`/conversations/${conv.body.id}/messages`, { content: `first ${i}` });
      assert.equal(msg.status, 201);
      ids.push(conv.body.id);
    }
    await until('every message:new', () => events.filter(([n]) => n === 'message:new').length === ids.length);
    for (const id of ids) {
      const names = events.filter(ofConversation(id)).map(([n]) => n);
      assert.deepEqual(names, ['conversation:new', 'message:new'], `${id}: ${names}`);
    }
  });

  test(`${transport}: a participant added by REST gets conversation:joined, then every message`, async () => {
    const owner = user('own'), late = user('late');
    const conv = await rest(owner).post('/conversations', { type: 'group', name: 'j', participantIds: [] });
    const { events } = await listen(late, transport);
    const added = await rest(owner).post(`/conversations/${conv.body.id}/participants`, { userId: late });
    assert.equal(added.status, 201);
    const msg = await rest(owner).post(`/conversations/${conv.body.id}/messages`, { content: 'welcome' });
    assert.equal(msg.status, 201);
    await until('message:new', () => events.some(([n]) => n === 'message:new'));
    const names = events.filter(ofConversation(conv.body.id)).map(([n]) => n);
    assert.deepEqual(names, ['conversation:joined', 'participant:added', 'message:new']);
  });

  test(`${transport}: after DELETE participants/{user} the user gets conversation:removed and nothing later`, async () => {
    const owner = user('own'), gone = user('gone'), stays = user('stay');
    const conv = await rest(owner).post('/conversations', { type: 'group', name: 'r', participantIds: [gone, stays] });
    const id = conv.body.id;
    const removed = await listen(gone, transport);
    const second = await listen(gone, transport); // every socket of the user is taken out
    const stayer = await listen(stays, transport);
    const arrived = waitFor(second.socket, 'message:new');
    const before = await rest(owner).post(`/conversations/${id}/messages`, { content: 'before' });
    await arrived;
    const del = await rest(owner).del(`/conversations/${id}/participants/${gone}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    // Everything after the removal: messages, an edit, a delete, a new member, a rename.
    const after1 = await rest(owner).post(`/conversations/${id}/messages`, { content: 'after' });
    await rest(owner).patch(`/messages/${after1.body.id}`, { content: 'after, edited' });
    await rest(owner).del(`/messages/${before.body.id}`);
    await rest(owner).post(`/conversations/${id}/participants`, { userId: user('new') });
    // The removed user cannot get back in through the socket either.
    const rejoin = await ask(removed.socket, 'room:join', { conversationId: id });
    assert.equal(rejoin.success, false);
    const last = await rest(owner).post(`/conversations/${id}/messages`, { content: 'last' });
    await until('the last message at a remaining member', () =>
      stayer.events.some(([n, p]) => n === 'message:new' && p.id === last.body.id));
    for (const { socket, events } of [removed, second]) {
      await ask(socket, 'ping'); // a barrier: the ack comes after anything sent to it before

      const names = events.filter(ofConversation(id)).map(([n]) => n);
      const at = names.indexOf('conversation:removed');
      assert.ok(at >= 0, `no conversation:removed: ${names}`);
      assert.deepEqual(names.slice(at + 1), [], `events after conversation:removed: ${names}`);
    }
  });

  test(`${transport}: after POST /leave the user gets conversation:removed and nothing later`, async () => {
    const owner = user('own'), leaver = user('leave');
    const conv = await rest(owner).post('/conversations', { type: 'group', name: 'l', participantIds: [leaver] });
    const id = conv.body.id;
    const { socket, events } = await listen(leaver, transport);
    const removed = waitFor(socket, 'conversation:removed', { filter: (p) => p.conversationId === id });
    const left = await rest(leaver).post(`/conversations/${id}/leave`);
    assert.equal(left.status, 204);
    await removed;
    const m = await rest(owner).post(`/conversations/${id}/messages`, { content: 'after leave' });
    assert.equal(m.status, 201);
    await expectNone(events, 300, ([n, p]) => n === 'message:new' && p.conversationId === id, 'message:new after leave');
  });
}
