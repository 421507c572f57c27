// Two chatgate instances on one PostgreSQL database (contract §1, §3): each sees what the other
// stored, direct pairs stay unique, and seq is one gapless sequence whichever instance accepted
// a message. Needs CHATGATE_TEST_PG_URL (scripts/test.sh starts a server with scripts/pg.sh);
// skipped without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';

const url = process.env.CHATGATE_TEST_PG_URL;
const skip = url ? false : 'CHATGATE_TEST_PG_URL is not set';
// A run-unique prefix: the database outlives one run when it is not a throwaway server.
const run = `pg${Date.now().toString(36)}`;
let a, b;

before(async () => {
  if (skip) return;
  // The rate limit is per instance without Redis; the test sends faster than users would.
  const env = { DATABASE_URL: url, RATE_LIMIT: '10000/10s' };
  [a, b] = await Promise.all([start({ env }), start({ env })]);
});

after(async () => {
  for (const s of [a, b]) if (s) { await s.stop(); s.cleanup(); }
});

test('both instances are ready on the shared database', { skip }, async () => {
  for (const s of [a, b]) {
    const r = await fetch(`${s.http}/ready`);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).checks.store, 'ok');
  }
});

test('a conversation made on one instance is read and written on the other', { skip }, async () => {
  const alice = `${run}-alice`, bob = `${run}-bob`;
  const g = await api(a.http, tokenFor(alice)).post('/conversations', { type: 'group', name: 'shared', participantIds: [bob] });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const seen = await api(b.http, tokenFor(bob)).get(`/conversations/${g.body.id}`);
  assert.equal(seen.status, 200, JSON.stringify(seen.body));
  assert.equal(seen.body.name, 'shared');
  const m = await api(b.http, tokenFor(bob)).post(`/conversations/${g.body.id}/messages`, { content: 'from b', metadata: { z: 1, a: [1.5, 'x'] } });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  const got = await api(a.http, tokenFor(alice)).get(`/messages/${m.body.id}`);
  assert.equal(got.body.content, 'from b');
  assert.equal(JSON.stringify(got.body.metadata), '{"z":1,"a":[1.5,"x"]}');  // kept as sent
  const conv = await api(a.http, tokenFor(alice)).get(`/conversations/${g.body.id}`);
  assert.equal(conv.body.lastMessage.id, m.body.id);
  assert.equal(conv.body.lastMessageAt, m.body.createdAt);  // millisecond round trip
});

test('direct conversation asked for on both instances at once is one conversation', { skip }, async () => {
  const x = `${run}-x`, y = `${run}-y`;
  const [r1, r2] = await Promise.all([
    api(a.http, tokenFor(x)).post('/conversations', { type: 'direct', participantIds: [y] }),
    api(b.http, tokenFor(y)).post('/conversations', { type: 'direct', participantIds: [x] }),
  ]);
  assert.ok([200, 201].includes(r1.status) && [200, 201].includes(r2.status), `${r1.status} ${r2.status}`);
  assert.equal(r1.body.id, r2.body.id);
  assert.deepEqual([r1.status, r2.status].sort(), [200, 201]);
});

test('messages sent through both instances at once get one gapless seq', { skip }, async () => {
  const owner = `${run}-owner`, senders = [1, 2, 3, 4].map((i) => `${run}-s${i}`);
  const g = await api(a.http, tokenFor(owner)).post('/conversations', { type: 'group', participantIds: senders });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const each = 10;
  const sends = [];
  senders.forEach((user, i) => {
    const server = i % 2 ? b : a;
    for (let n = 0; n < each; n++)
      sends.push(api(server.http, tokenFor(user)).post(`/conversations/${g.body.id}/messages`, { content: `${user}:${n}` }));
  });
  const replies = await Promise.all(sends);
  for (const r of replies) assert.equal(r.status, 201, JSON.stringify(r.body));
  const total = senders.length * each;
  assert.deepEqual(replies.map((r) => r.body.seq).sort((p, q) => p - q), Array.from({ length: total }, (_, i) => i + 1));
  const listed = await Promise.all([a, b].map((s) => api(s.http, tokenFor(owner)).get(`/conversations/${g.body.id}/messages?limit=100`)));
  for (const l of listed) {
    assert.equal(l.status, 200);
    assert.deepEqual(l.body.items.map((m) => m.seq), Array.from({ length: total }, (_, i) => total - i));
  }
  assert.deepEqual(listed[0].body.items.map((m) => m.id), listed[1].body.items.map((m) => m.id));
  const conv = await api(b.http, tokenFor(owner)).get(`/conversations/${g.body.id}`);
  assert.equal(conv.body.lastMessage.seq, total);
});
