// No loss under concurrency: several clients of one group (websocket and polling) send hundreds
// of messages at once; every participant gets each message:new exactly once, in seq order (so
// each sender's order holds), the store holds seq 1..N, and after a disconnect messages:sync
// returns exactly what was missed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, ask, closeAll } from './lib/socket.mjs';

const SENDERS = 5;
const EACH = 120;
let server;
const run = Date.now().toString(36);
const users = Array.from({ length: SENDERS }, (_, i) => `nl${i}-${run}`);
const rest = (u) => api(server.http, tokenFor(u));
const sockets = [];

before(async () => { server = await start({ env: { RATE_LIMIT: '100000/1s' } }); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

/** Every message of the conversation over REST (pages of 100 going back), sorted by seq. */
async function storeAll(u, id) {
  const all = [];
  let cursor = null;
  do {
    const r = await rest(u).get(`/conversations/${id}/messages?limit=100${cursor ? `&before=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    all.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return all.sort((x, y) => x.seq - y.seq);
}

/** Resolves once `list` holds `n` entries (or rejects after `ms`). */
async function until(list, n, ms = 20000) {
  const end = Date.now() + ms;
  while (list.length < n) {
    if (Date.now() > end) throw new Error(`got ${list.length} of ${n}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('concurrent senders: every participant gets every message once, in seq order; store has 1..N; sync fills a gap', async () => {
  const [owner, ...rest_] = users;
  const conv = (await rest(owner).post('/conversations', { type: 'group', name: 'load', participantIds: rest_ })).body;
  const clients = [];
  for (const [i, u] of users.entries()) {
    const { socket } = await connectAs(server.ws, tokenFor(u), { transports: i % 2 ? ['polling'] : ['websocket'] });
    sockets.push(socket);
    const got = [];
    socket.on('message:new', (m) => got.push(m));
    clients.push({ u, socket, got });
  }
  const total = SENDERS * EACH;
  const acks = await Promise.all(clients.map(({ u, socket }) => Promise.all(
    Array.from({ length: EACH }, (_, i) => ask(socket, 'message:send', { conversationId: conv.id, content: `${u}#${i}` }, 20000)))));
  for (const list of acks) for (const a of list) assert.equal(a.success, true, JSON.stringify(a));

  for (const { u, got } of clients) {
    await until(got, total);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(got.length, total, `${u} received duplicates`);
    assert.deepEqual(got.map((m) => m.seq), Array.from({ length: total }, (_, i) => i + 1), `${u}: not in seq order`);
    assert.equal(new Set(got.map((m) => m.id)).size, total);
    for (const sender of users) {
      const mine = got.filter((m) => m.senderId === sender).map((m) => m.content);
      assert.deepEqual(mine, Array.from({ length: EACH }, (_, i) => `${sender}#${i}`), `${u} saw ${sender} out of order`);
    }
  }
  // Each sender's acks match what it sent, in order.
  for (const [k, list] of acks.entries()) {
    assert.deepEqual(list.map((a) => a.message.content), Array.from({ length: EACH }, (_, i) => `${users[k]}#${i}`));
  }
  const stored = await storeAll(owner, conv.id);
  assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: total }, (_, i) => i + 1));
  assert.deepEqual(stored.map((m) => m.id), clients[0].got.map((m) => m.id));

  // A gap: the last client drops, the others send, it comes back and syncs from what it saw.
  const gone = clients.pop();
  const lastSeen = gone.got.at(-1);
  const reason = waitFor(gone.socket, 'disconnect');
  gone.socket.close();
  await reason;
  const missed = await Promise.all(clients.map(({ u, socket }) => Promise.all(
    Array.from({ length: 30 }, (_, i) => ask(socket, 'message:send', { conversationId: conv.id, content: `${u}/late${i}` }, 20000)))));
  const missedIds = new Set(missed.flat().map((a) => a.message.id));
  const { socket: back } = await connectAs(server.ws, tokenFor(gone.u));
  sockets.push(back);
  const synced = [];
  let from = lastSeen.id;
  for (;;) {
    const r = await ask(back, 'messages:sync', { conversationId: conv.id, lastMessageId: from, limit: 50 });
    assert.equal(r.success, true);
    synced.push(...r.messages);
    if (!r.hasMore) break;
    from = r.messages.at(-1).id;
  }
  assert.equal(synced.length, missedIds.size);
  assert.deepEqual(new Set(synced.map((m) => m.id)), missedIds);
  assert.deepEqual(synced.map((m) => m.seq), Array.from({ length: synced.length }, (_, i) => total + i + 1));
});
