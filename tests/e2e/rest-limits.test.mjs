// Settings that change REST behaviour: RATE_LIMIT (429), MAX_GROUP_SIZE, MAX_BODY_BYTES.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';

let server;
before(async () => {
  server = await start({ env: { RATE_LIMIT: '3/60s', MAX_GROUP_SIZE: '3', MAX_BODY_BYTES: '2000' } });
});
after(async () => { await server.stop(); server.cleanup(); });

test('RATE_LIMIT: the limit passes, one more is 429 with Retry-After and not stored', async () => {
  const alice = api(server.http, tokenFor('rl-alice'));
  const g = await alice.post('/conversations', { type: 'group', participantIds: ['rl-bob'] });
  for (let i = 0; i < 3; i++) assert.equal((await alice.post(`/conversations/${g.body.id}/messages`, { content: `${i}` })).status, 201);
  const r = await alice.post(`/conversations/${g.body.id}/messages`, { content: 'too many' });
  assert.equal(r.status, 429);
  assert.equal(r.body.code, 'RATE_LIMITED');
  assert.equal(r.body.statusCode, 429);
  assert.ok(r.body.retryAfterMs > 0 && r.body.retryAfterMs <= 60000);
  assert.equal(Number(r.headers.get('retry-after')), Math.ceil(r.body.retryAfterMs / 1000));
  const list = await alice.get(`/conversations/${g.body.id}/messages`);
  assert.equal(list.body.items.length, 3);
  // another user has their own window
  assert.equal((await api(server.http, tokenFor('rl-bob')).post(`/conversations/${g.body.id}/messages`, { content: 'hi' })).status, 201);
});

test('MAX_GROUP_SIZE: at the limit and one past', async () => {
  const alice = api(server.http, tokenFor('gs-alice'));
  const ok = await alice.post('/conversations', { type: 'group', participantIds: ['b', 'c'] });
  assert.equal(ok.status, 201);
  const over = await alice.post('/conversations', { type: 'group', participantIds: ['b', 'c', 'd'] });
  assert.equal(over.status, 400);
  assert.equal(over.body.details[0].field, 'participantIds');
  const add = await alice.post(`/conversations/${ok.body.id}/participants`, { userId: 'd' });
  assert.equal(add.status, 400);
  assert.equal(add.body.code, 'VALIDATION_ERROR');
});

test('MAX_BODY_BYTES: 2000 passes the limit, 2001 is 413', async () => {
  const alice = api(server.http, tokenFor('bb-alice'));
  const body = (n) => { const s = JSON.stringify({ type: 'group', participantIds: [], name: 'x' }); return s + ' '.repeat(n - s.length); };
  assert.equal((await alice.post('/conversations', body(2000))).status, 201);
  const over = await alice.post('/conversations', body(2001));
  assert.equal(over.status, 413);
  assert.equal(over.body.code, 'VALIDATION_ERROR');
});
