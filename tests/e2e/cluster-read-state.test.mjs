// Contract §8 read state on two instances sharing one Redis and one PostgreSQL: a read on one
// instance reaches the room's sockets on the other, every instance answers the same counts, and
// sends, deletions and reads racing through both instances leave every count exact. Needs
// CHATGATE_TEST_REDIS_URL and CHATGATE_TEST_PG_URL (scripts/test.sh starts both); skipped without.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, waitFor, ask, closeAll } from './lib/socket.mjs';
import { REDIS_URL, PG_URL } from './lib/redis.mjs';

const skip = REDIS_URL && PG_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';
const run = `clr${Date.now().toString(36)}`;
let n = 0;
const user = (name) => `${run}-${name}${++n}`;
let a, b;
const sockets = [];

before(async () => {
  if (skip) return;
  const env = { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s' };
  [a, b] = await Promise.all([start({ env }), start({ env })]);
});

after(async () => {
  closeAll(sockets);
  for (const s of [a, b]) if (s) { await s.stop(); s.cleanup(); }
});

const rest = (server, u) => api(server.http, tokenFor(u));

test('a read on one instance reaches the room on the other; both answer the same counts', { skip }, async () => {
  const alice = user('alice'), bob = user('bob');
  const g = await rest(a, alice).post('/conversations', { type: 'group', name: 'g', participantIds: [bob] });
  assert.equal(g.status, 201);
  for (let i = 0; i < 3; ++i) assert.equal((await rest(a, alice).post(`/conversations/${g.body.id}/messages`, { content: `m${i}` })).status, 201);
  const { socket: sa } = await connectAs(a.ws, tokenFor(alice));
  const { socket: sb } = await connectAs(b.ws, tokenFor(bob));
  sockets.push(sa, sb);
  const heard = waitFor(sa, 'conversation:read');
  const ack = await ask(sb, 'conversation:read', { conversationId: g.body.id, seq: 2 });
  const data = { conversationId: g.body.id, userId: bob, lastReadSeq: 2, unreadCount: 1 };
  assert.deepEqual(ack, { success: true, data });
  assert.deepEqual(await heard, data);
  for (const s of [a, b]) {
    const r = await rest(s, bob).get(`/conversations/${g.body.id}`);
    assert.equal(r.body.lastReadSeq, 2);
    assert.equal(r.body.unreadCount, 1);
  }
});

test('sends, deletions and reads racing through both instances leave every count exact', { skip }, async () => {
  const users = [user('u'), user('v'), user('w')];
  const g = await rest(a, users[0]).post('/conversations', { type: 'group', name: 'race', participantIds: users.slice(1) });
  assert.equal(g.status, 201);
  const id = g.body.id;
  await Promise.all(users.map(async (u, i) => {
    const mine = [];
    for (let k = 0; k < 15; ++k) {
      const via = (i + k) % 2 ? a : b;
      const m = await rest(via, u).post(`/conversations/${id}/messages`, { content: `${u} ${k}` });
      assert.equal(m.status, 201, JSON.stringify(m.body));
      mine.push(m.body);
      if (k % 4 === 3) assert.equal((await rest(via === a ? b : a, u).del(`/messages/${mine[k - 1].id}`)).status, 200);
      if (k % 5 === 4) assert.equal((await rest(via, u).post(`/conversations/${id}/read`, { seq: (k + 1) * 2 })).status, 200);
    }
  }));
  const page = await rest(a, users[0]).get(`/conversations/${id}/messages?limit=100`);
  assert.equal(page.status, 200);
  const all = page.body.items;
  assert.equal(all.length, 45);
  for (const u of users) {
    for (const s of [a, b]) {
      const c = (await rest(s, u).get(`/conversations/${id}`)).body;
      const counted = all.filter((m) => m.seq > c.lastReadSeq && m.senderId !== u && !m.isDeleted).length;
      assert.equal(c.unreadCount, counted, `${u} read up to ${c.lastReadSeq}`);
    }
  }
});
