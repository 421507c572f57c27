// GET /api/v1/admin/connections (contract §8) against the real binary, sockets from the
// official socket.io-client: items {id, userId, instance, transport, connectedAt, rooms}, the
// userId filter, FORBIDDEN without the admin role, VALIDATION_ERROR for a bad filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, disconnected, closeAll } from './lib/socket.mjs';

let server;
const run = Date.now().toString(36);
const sockets = [];
const admin = () => api(server.http, tokenFor(`ops-${run}`, { claims: { roles: ['admin'] } }));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

before(async () => { server = await start(); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

async function connect(user, opts) {
  const c = await connectAs(server.ws, tokenFor(user), opts);
  sockets.push(c.socket);
  return c.socket;
}

test('an admin sees every live socket with its transport, connect time and named rooms', async () => {
  const a = `alice-${run}`, b = `bob-${run}`;
  const conv = (await api(server.http, tokenFor(a)).post('/conversations', { type: 'group', name: 'g', participantIds: [b] })).body;
  const ws = await connect(a, { transports: ['websocket'] });
  const poll = await connect(b, { transports: ['polling'] });
  const r = await admin().get('/admin/connections');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const byId = new Map(r.body.items.map((i) => [i.id, i]));
  const ia = byId.get(ws.id), ib = byId.get(poll.id);
  assert.ok(ia && ib, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(ia).sort(), ['connectedAt', 'id', 'instance', 'rooms', 'transport', 'userId']);
  assert.equal(ia.userId, a);
  assert.equal(ia.transport, 'websocket');
  assert.equal(ib.transport, 'polling');
  assert.match(ia.connectedAt, ISO);
  assert.ok(Math.abs(Date.parse(ia.connectedAt) - Date.now()) < 60000);
  assert.equal(typeof ia.instance, 'string');
  assert.ok(ia.instance.length > 0);
  assert.deepEqual(ia.rooms.sort(), [`conversation:${conv.id}`, `user:${a}`].sort());
  assert.ok(!ia.rooms.includes(ws.id));
});

test('userId filters; a socket that left is gone from the list', async () => {
  const c = `carol-${run}`;
  const s1 = await connect(c);
  const s2 = await connect(c);
  let r = await admin().get(`/admin/connections?userId=${encodeURIComponent(c)}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((i) => i.id).sort(), [s1.id, s2.id].sort());
  assert.ok(r.body.items.every((i) => i.userId === c));
  const gone = disconnected(s1);
  s1.disconnect();
  await gone;
  await new Promise((res) => setTimeout(res, 100));
  r = await admin().get(`/admin/connections?userId=${encodeURIComponent(c)}`);
  assert.deepEqual(r.body.items.map((i) => i.id), [s2.id]);
  r = await admin().get('/admin/connections?userId=nobody-here');
  assert.deepEqual(r.body, { items: [] });
});

test('without the admin role: FORBIDDEN; no token: UNAUTHORIZED; bad filter: VALIDATION_ERROR', async () => {
  for (const claims of [{}, { roles: ['user'] }, { roles: 'administrator' }, { roles: { admin: true } }]) {
    const r = await api(server.http, tokenFor(`eve-${run}`, { claims })).get('/admin/connections');
    assert.equal(r.status, 403, JSON.stringify(claims));
    assert.equal(r.body.code, 'FORBIDDEN');
  }
  assert.equal((await api(server.http, tokenFor(`ops2-${run}`, { claims: { roles: 'admin' } })).get('/admin/connections')).status, 200);
  const none = await api(server.http).get('/admin/connections');
  assert.equal(none.status, 401);
  assert.equal((await admin().get(`/admin/connections?userId=${'u'.repeat(255)}`)).status, 200);
  for (const q of ['userId=', `userId=${'u'.repeat(256)}`]) {
    const r = await admin().get(`/admin/connections?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.code, 'VALIDATION_ERROR');
    assert.equal(r.body.details[0].field, 'userId');
  }
});
