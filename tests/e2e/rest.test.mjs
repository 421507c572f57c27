// REST API end to end (contract §5): the real binary over loopback, plain fetch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor, sign } from './lib/token.mjs';
import { api } from './lib/rest.mjs';

let server;
const as = (user) => api(server.http, tokenFor(user));
const OID = /^[0-9a-f]{24}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const missingId = '0123456789abcdef01234567';

function assertError(res, status, code) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.statusCode, status);
  assert.equal(res.body.code, code);
  assert.equal(typeof res.body.message, 'string');
}

async function group(owner, others, extra = {}) {
  const r = await as(owner).post('/conversations', { type: 'group', name: 'g', participantIds: others, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => { server = await start({ env: { ALLOWED_ORIGINS: 'https://app.example' } }); });
after(async () => { await server.stop(); server.cleanup(); });

test('health, ready and metrics', async () => {
  const h = await fetch(`${server.http}/health`);
  assert.equal(h.status, 200);
  assert.deepEqual(await h.json(), { status: 'ok' });
  // HEAD: GET's status and Content-Length, no body; on an API route too (401 without a token).
  const head = await fetch(`${server.http}/health`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(JSON.stringify({ status: 'ok' }).length));
  assert.equal(await head.text(), '');
  const apiHead = await fetch(`${server.http}/api/v1/conversations`, { method: 'HEAD' });
  assert.equal(apiHead.status, 401);
  assert.ok(Number(apiHead.headers.get('content-length')) > 0);
  assert.equal(await apiHead.text(), '');
  const r = await fetch(`${server.http}/ready`);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).checks.store, 'ok');
  await as('metrics-user').post('/conversations', { type: 'group', participantIds: [] });
  const m = await fetch(`${server.http}/metrics`);
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^text\/plain/);
  const text = await m.text();
  assert.match(text, /chatgate_http_requests_total\{method="POST",route="\/api\/v1\/conversations",status="201"\} \d+/);
  assert.match(text, /chatgate_http_request_duration_seconds_bucket/);
});

test('authentication: missing, malformed, wrong secret, expired, alg none', async () => {
  assertError(await api(server.http).get('/conversations'), 401, 'UNAUTHORIZED');
  assertError(await api(server.http, 'garbage').get('/conversations'), 401, 'UNAUTHORIZED');
  assertError(await api(server.http, tokenFor('a', { secret: 'other-secret-0123456789abcdef' })).get('/conversations'), 401, 'UNAUTHORIZED');
  assertError(await api(server.http, tokenFor('a', { ttlSec: -60 })).get('/conversations'), 401, 'UNAUTHORIZED');
  const now = Math.floor(Date.now() / 1000);
  assertError(await api(server.http, sign({ sub: 'a', exp: now + 60 }, { alg: 'none' })).get('/conversations'), 401, 'UNAUTHORIZED');
  // externalUserId wins over sub
  const t = tokenFor('sub-id', { claims: { externalUserId: 'ext-id' } });
  const c = await api(server.http, t).post('/conversations', { type: 'group', participantIds: [] });
  assert.equal(c.body.createdBy, 'ext-id');
});

test('conversations: create, direct idempotence, get, list, patch', async () => {
  const alice = as('c-alice');
  const d = await alice.post('/conversations', { type: 'direct', participantIds: ['c-bob'] });
  assert.equal(d.status, 201);
  assert.match(d.body.id, OID);
  assert.equal(d.body.type, 'direct');
  assert.equal(d.body.lastMessage, null);
  assert.equal(d.body.lastMessageAt, null);
  assert.match(d.body.createdAt, ISO);
  assert.deepEqual(Object.keys(d.body).sort(), ['createdAt', 'createdBy', 'id', 'lastMessage', 'lastMessageAt', 'lastReadSeq', 'metadata', 'name', 'participants', 'type', 'unreadCount', 'updatedAt']);
  const again = await as('c-bob').post('/conversations', { type: 'direct', participantIds: ['c-alice'] });
  assert.equal(again.status, 200);
  assert.equal(again.body.id, d.body.id);

  const g = await group('c-alice', ['c-bob', 'c-carol'], { metadata: { topic: 'ops' }, junk: 1 });
  assert.equal(g.participants[0].role, 'admin');
  assert.equal(g.participants[1].role, 'member');
  assert.match(g.participants[0].joinedAt, ISO);
  assert.deepEqual(g.metadata, { topic: 'ops' });
  assert.equal('junk' in g, false);

  assert.equal((await as('c-carol').get(`/conversations/${g.id}`)).status, 200);
  assertError(await as('c-mallory').get(`/conversations/${g.id}`), 404, 'NOT_FOUND');
  assertError(await alice.get(`/conversations/${missingId}`), 404, 'NOT_FOUND');

  const page1 = await alice.get('/conversations?limit=1');
  assert.equal(page1.status, 200);
  assert.equal(page1.body.items.length, 1);
  assert.equal(page1.body.items[0].id, g.id); // latest activity first
  assert.equal(typeof page1.body.nextCursor, 'string');
  const page2 = await alice.get(`/conversations?limit=10&before=${encodeURIComponent(page1.body.nextCursor)}`);
  assert.deepEqual(page2.body.items.map((c) => c.id), [d.body.id]);
  assert.equal(page2.body.nextCursor, null);

  const p = await alice.patch(`/conversations/${g.id}`, { name: 'Ops', metadata: { a: 1 } });
  assert.equal(p.status, 200);
  assert.equal(p.body.name, 'Ops');
  assertError(await as('c-bob').patch(`/conversations/${g.id}`, { name: 'x' }), 403, 'FORBIDDEN');
});

test('participants: add, remove, leave; direct conversations are fixed', async () => {
  const g = await group('p-alice', ['p-bob']);
  const added = await as('p-alice').post(`/conversations/${g.id}/participants`, { userId: 'p-carol' });
  assert.equal(added.status, 201);
  assert.deepEqual(added.body.participants.map((p) => p.userId), ['p-alice', 'p-bob', 'p-carol']);
  assertError(await as('p-bob').post(`/conversations/${g.id}/participants`, { userId: 'p-dave' }), 403, 'FORBIDDEN');
  assertError(await as('p-alice').post(`/conversations/${g.id}/participants`, { userId: 7 }), 400, 'VALIDATION_ERROR');
  const removed = await as('p-alice').del(`/conversations/${g.id}/participants/p-carol`);
  assert.equal(removed.status, 200);
  assert.equal(removed.body.participants.length, 2);
  assertError(await as('p-alice').del(`/conversations/${g.id}/participants/nobody`), 404, 'NOT_FOUND');
  const left = await as('p-bob').post(`/conversations/${g.id}/leave`);
  assert.equal(left.status, 204);
  assertError(await as('p-bob').get(`/conversations/${g.id}`), 404, 'NOT_FOUND');

  const d = await as('p-alice').post('/conversations', { type: 'direct', participantIds: ['p-bob'] });
  assertError(await as('p-alice').post(`/conversations/${d.body.id}/participants`, { userId: 'p-x' }), 403, 'FORBIDDEN');
  assertError(await as('p-alice').post(`/conversations/${d.body.id}/leave`), 403, 'FORBIDDEN');
});

test('messages: send, list both ways, get, edit, delete', async () => {
  const g = await group('m-alice', ['m-bob']);
  const bob = as('m-bob');
  const sent = [];
  for (let i = 1; i <= 5; i++) {
    const r = await bob.post(`/conversations/${g.id}/messages`, { content: `m${i}`, attachments: [{ externalFileId: `f${i}`, label: 'a.png', x: 1 }], metadata: { i }, extra: true });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    sent.push(r.body);
  }
  const m = sent[0];
  assert.deepEqual(Object.keys(m).sort(), ['attachments', 'content', 'conversationId', 'createdAt', 'deletedAt', 'id', 'isDeleted', 'isEdited', 'metadata', 'reactions', 'replyTo', 'senderId', 'seq', 'updatedAt']);
  assert.equal(m.seq, 1);
  assert.equal(m.senderId, 'm-bob');
  assert.deepEqual(m.attachments, [{ externalFileId: 'f1', label: 'a.png' }]);
  assert.equal(m.replyTo, null);
  assert.equal(m.deletedAt, null);
  assert.deepEqual(sent.map((x) => x.seq), [1, 2, 3, 4, 5]);

  const reply = await bob.post(`/conversations/${g.id}/messages`, { content: 're', replyTo: m.id });
  assert.equal(reply.body.replyTo, m.id);

  const conv = await bob.get(`/conversations/${g.id}`);
  assert.equal(conv.body.lastMessage.id, reply.body.id);
  assert.match(conv.body.lastMessageAt, ISO);

  const newest = await bob.get(`/conversations/${g.id}/messages?limit=2`);
  assert.deepEqual(newest.body.items.map((x) => x.seq), [6, 5]);
  const older = await bob.get(`/conversations/${g.id}/messages?before=${newest.body.nextCursor}`);
  assert.deepEqual(older.body.items.map((x) => x.seq), [4, 3, 2, 1]);
  assert.equal(older.body.nextCursor, null);
  const after = await bob.get(`/conversations/${g.id}/messages?after=${sent[1].id}&limit=2`);
  assert.deepEqual(after.body.items.map((x) => x.seq), [3, 4]);
  assert.equal(after.body.nextCursor, sent[3].id);
  assert.equal((await bob.get(`/conversations/${g.id}/messages?limit=100`)).status, 200);
  assertError(await bob.get(`/conversations/${g.id}/messages?limit=101`), 400, 'VALIDATION_ERROR');
  assertError(await as('m-mallory').get(`/conversations/${g.id}/messages`), 404, 'NOT_FOUND');

  assert.equal((await as('m-alice').get(`/messages/${m.id}`)).body.content, 'm1');
  assertError(await as('m-mallory').get(`/messages/${m.id}`), 404, 'NOT_FOUND');
  assertError(await as('m-alice').patch(`/messages/${m.id}`, { content: 'no' }), 403, 'FORBIDDEN');
  const edited = await bob.patch(`/messages/${m.id}`, { content: 'edited' });
  assert.equal(edited.status, 200);
  assert.equal(edited.body.isEdited, true);
  assert.equal(edited.body.content, 'edited');

  const del = await as('m-alice').del(`/messages/${sent[1].id}`); // group admin
  assert.equal(del.status, 200);
  assert.deepEqual(del.body, { success: true });
  const gone = await bob.get(`/messages/${sent[1].id}`);
  assert.equal(gone.body.isDeleted, true);
  assert.equal(gone.body.content, '');
  assert.deepEqual(gone.body.attachments, []);
  assert.match(gone.body.deletedAt, ISO);
  assert.equal(gone.body.seq, 2);
  assertError(await as('m-mallory').post(`/conversations/${g.id}/messages`, { content: 'x' }), 403, 'FORBIDDEN');
  assertError(await as('m-mallory').post(`/conversations/${missingId}/messages`, { content: 'x' }), 403, 'FORBIDDEN');
});

test('validation: limits at and past, wrong types, bad ids, malformed JSON', async () => {
  const g = await group('v-alice', []);
  const alice = as('v-alice');
  const send = (body) => alice.post(`/conversations/${g.id}/messages`, body);
  assert.equal((await send({ content: 'é'.repeat(5000) })).status, 201);
  const long = await send({ content: 'x'.repeat(5001) });
  assertError(long, 400, 'VALIDATION_ERROR');
  assert.equal(long.body.details[0].field, 'content');
  assertError(await send({ content: '   ' }), 400, 'VALIDATION_ERROR');
  assertError(await send({ content: 5 }), 400, 'VALIDATION_ERROR');
  assertError(await send({}), 400, 'VALIDATION_ERROR');
  const ten = Array.from({ length: 10 }, (_, i) => ({ externalFileId: `f${i}` }));
  assert.equal((await send({ content: 'x', attachments: ten })).status, 201);
  assertError(await send({ content: 'x', attachments: [...ten, { externalFileId: 'f' }] }), 400, 'VALIDATION_ERROR');
  assertError(await send({ content: 'x', attachments: [{ externalFileId: '' }] }), 400, 'VALIDATION_ERROR');
  assert.equal((await send({ content: 'x', attachments: [{ externalFileId: 'f', label: 'l'.repeat(255) }] })).status, 201);
  assertError(await send({ content: 'x', attachments: [{ externalFileId: 'f', label: 'l'.repeat(256) }] }), 400, 'VALIDATION_ERROR');
  assert.equal((await send({ content: 'x', metadata: { k: 'a'.repeat(4096 - 8) } })).status, 201);
  assertError(await send({ content: 'x', metadata: { k: 'a'.repeat(4096 - 7) } }), 400, 'VALIDATION_ERROR');
  assertError(await send({ content: 'x', metadata: [1] }), 400, 'VALIDATION_ERROR');
  assertError(await send({ content: 'x', replyTo: 'nope' }), 400, 'VALIDATION_ERROR');
  assertError(await send({ content: 'x', replyTo: missingId }), 400, 'VALIDATION_ERROR');
  assert.equal((await alice.post('/conversations', { type: 'group', participantIds: [], name: 'n'.repeat(100) })).status, 201);
  assertError(await alice.post('/conversations', { type: 'group', participantIds: [], name: 'n'.repeat(101) }), 400, 'VALIDATION_ERROR');
  const types = await alice.post('/conversations', { type: 'channel', participantIds: 'x' });
  assertError(types, 400, 'VALIDATION_ERROR');
  assert.deepEqual(types.body.details.map((d) => d.field).sort(), ['participantIds', 'type']);
  assertError(await alice.post('/conversations', '{"type":'), 400, 'VALIDATION_ERROR');
  assertError(await alice.post('/conversations', '[]'), 400, 'VALIDATION_ERROR');
  assertError(await alice.get('/conversations/not-an-id'), 400, 'VALIDATION_ERROR');
  assertError(await alice.get('/messages/xyz'), 400, 'VALIDATION_ERROR');
  assertError(await alice.get('/conversations?limit=abc'), 400, 'VALIDATION_ERROR');
});

test('unknown routes and wrong methods are 404 NOT_FOUND', async () => {
  assertError(await as('u').get('/nope'), 404, 'NOT_FOUND');
  assertError(await as('u').raw('PUT', '/conversations'), 404, 'NOT_FOUND');
  const r = await fetch(`${server.http}/nothing-here`);
  assert.equal(r.status, 404);
  assert.equal((await r.json()).code, 'NOT_FOUND');
});

test('body over the limit is 413 VALIDATION_ERROR; at the limit it is read', async () => {
  const limit = 1024 * 1024;
  const g = await group('b-alice', []);
  const at = JSON.stringify({ content: 'x', metadata: {}, pad: 'p'.repeat(limit - 40) });
  const padded = at + ' '.repeat(limit - Buffer.byteLength(at));
  assert.equal(Buffer.byteLength(padded), limit);
  const ok = await as('b-alice').post(`/conversations/${g.id}/messages`, padded);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const over = await as('b-alice').post(`/conversations/${g.id}/messages`, padded + ' ');
  assertError(over, 413, 'VALIDATION_ERROR');
});

test('CORS: preflight and allowed origin', async () => {
  const pre = await fetch(`${server.http}/api/v1/conversations`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
  assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
  assert.match(pre.headers.get('access-control-allow-headers'), /authorization/);
  const denied = await fetch(`${server.http}/api/v1/conversations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(denied.headers.get('access-control-allow-origin'), null);
  const r = await as('cors').get('/conversations', { origin: 'https://app.example' });
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
});

test('presence: nobody online without sockets', async () => {
  const r = await as('pr').post('/presence', { userIds: ['a', 'b'] });
  assert.equal(r.status, 200);
  assert.ok(Array.isArray(r.body.online));
  assertError(await as('pr').post('/presence', { userIds: 'a' }), 400, 'VALIDATION_ERROR');
});

test('keep-alive: several requests on one connection', async () => {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve, reject) => {
      http.get(`${server.http}/health`, { agent }, (res) => {
        sockets.add(res.socket);
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  }
  agent.destroy();
  assert.equal(sockets.size, 1);
});
