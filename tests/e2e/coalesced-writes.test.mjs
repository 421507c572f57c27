// Coalesced writes (issue 10): the server corks the frames queued to a websocket while a burst
// of events is handled and writes them with one gather write of frames it framed itself. The
// OFFICIAL client must decode every frame of such a burst, whole and in order, over websocket;
// over polling (which batches into one payload anyway) the same burst must arrive alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
const user = (name) => `${name}-${run}-${++next}`;
const sockets = [];
const BURST = 300;
// Content lengths around the websocket length encodings (7-bit up to 125, 16-bit up to 65535).
const content = (i) => `#${i} `.padEnd([1, 100, 120, 130, 300, 5000][i % 6], 'x');

before(async () => { server = await start({ env: { RATE_LIMIT: '100000/1s' } }); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

async function listen(u, transport) {
  const { socket } = await connectAs(server.ws, tokenFor(u), { transports: [transport] });
  sockets.push(socket);
  const news = [];
  socket.on('message:new', (m) => news.push(m));
  return { socket, news };
}

async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const transport of ['websocket', 'polling']) {
  test(`${transport}: a burst of ${BURST} sends gives every message:new and ack, whole and in order`, async () => {
    const a = user('burst-a'), b = user('burst-b');
    const conv = await api(server.http, tokenFor(a)).post('/conversations', { type: 'group', name: 'burst', participantIds: [b] });
    assert.equal(conv.status, 201);
    const sender = await listen(a, transport);
    const member = await listen(b, transport);
    const acks = [];
    // All emitted in one go: the server reads them back to back and answers in bursts.
    for (let i = 0; i < BURST; i++) {
      sender.socket.emit('message:send', { conversationId: conv.body.id, content: content(i) }, (ack) => acks.push([i, ack]));
    }
    await until('every ack and delivery', () => acks.length === BURST && member.news.length === BURST && sender.news.length === BURST);
    acks.forEach(([i, ack], k) => {
      assert.equal(i, k, 'acks in emit order');
      assert.equal(ack.success, true, JSON.stringify(ack));
      assert.equal(ack.message.seq, k + 1);
      assert.equal(ack.message.content, content(k));
    });
    for (const { news } of [member, sender]) {
      assert.deepEqual(news.map((m) => m.seq), Array.from({ length: BURST }, (_, k) => k + 1));
      news.forEach((m, k) => assert.equal(m.content, content(k), `message ${k}`));
    }
    assert.equal(sender.socket.io.engine.transport.name, transport);
  });
}
