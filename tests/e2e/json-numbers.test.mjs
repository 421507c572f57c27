// JSON numbers come back as sent (issue 9): for each input, what a client reads over REST and
// over a socket (the raw Socket.IO packet text, as the official client received it) and the
// text stored in SQLite (read with the sqlite3 CLI) equal JSON.stringify(JSON.parse(input)),
// computed here by node itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, closeAll } from './lib/socket.mjs';

const inputs = [
  '1.5', '0.1', '1e21', '1E21', '1e-7', '-0', '-0.0', '2.5e-324', '1.7976931348623157e308',
  '9007199254740992', '9007199254740993', '-9007199254740993', '12345678901234567890',
  '18446744073709551615', '123456789012345678901234', '100', '1.0', '0.30000000000000004',
  '{"a":[1.5,{"b":-0,"c":1e21}],"d":0.1,"e":"1.5E0"}',
];

let server, bob;
const raws = [];

before(async () => {
  server = await start({ env: { RATE_LIMIT: '1000/1s' } });
  ({ socket: bob } = await connectAs(server.ws, tokenFor('json-bob'), { transports: ['websocket'] }));
  // Engine.IO 'packet' events carry the Socket.IO packet text before the client parses it.
  bob.io.engine.on('packet', (p) => { if (p.type === 'message' && typeof p.data === 'string') raws.push(p.data); });
});
after(async () => { closeAll(bob); await server.stop(); server.cleanup(); });

async function post(path, text) {
  const res = await fetch(`${server.http}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenFor('json-alice')}`, 'content-type': 'application/json' },
    body: text,
  });
  return { status: res.status, text: await res.text() };
}

async function get(path) {
  const res = await fetch(`${server.http}/api/v1${path}`, { headers: { authorization: `Bearer ${tokenFor('json-alice')}` } });
  return res.text();
}

async function packetWith(id) {
  for (let i = 0; i < 100; i++) {
    const p = raws.find((r) => r.includes(`"id":"${id}"`));
    if (p) return p;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no socket packet with id ${id}`);
}

function stored(table, id) {
  return execFileSync('sqlite3', ['-readonly', server.dbPath, `SELECT metadata FROM ${table} WHERE id = '${id}'`])
    .toString().replace(/\n$/, '');
}

for (const input of inputs) {
  test(`metadata ${input} reads back as JSON.stringify(JSON.parse(input))`, async () => {
    const expected = `{"x":${JSON.stringify(JSON.parse(input))}}`;
    const want = `"metadata":${expected}`;

    const conv = await post('/conversations', `{"type":"group","name":"n","participantIds":["json-bob"],"metadata":{"x":${input}}}`);
    assert.equal(conv.status, 201, conv.text);
    const convId = JSON.parse(conv.text).id;
    assert.ok(conv.text.includes(want), `REST create: ${conv.text}`);
    assert.ok((await get(`/conversations/${convId}`)).includes(want), 'REST get');
    assert.ok((await packetWith(convId)).includes(want), 'socket conversation:new');
    assert.equal(stored('conversations', convId), expected);

    const msg = await post(`/conversations/${convId}/messages`, `{"content":"hi","metadata":{"x":${input}}}`);
    assert.equal(msg.status, 201, msg.text);
    const msgId = JSON.parse(msg.text).id;
    assert.ok(msg.text.includes(want), `REST message: ${msg.text}`);
    assert.ok((await get(`/messages/${msgId}`)).includes(want), 'REST get message');
    assert.ok((await packetWith(msgId)).includes(want), 'socket message:new');
    assert.equal(stored('messages', msgId), expected);
  });
}
