// Socket.IO layer against the official socket.io-client 4.x: transports, upgrade, acks both
// ways, binary, reconnection, heartbeat. Runs tests/conformance/conformance_server (its
// Socket.IO part is described in tests/conformance/socketio_app.hpp) on a free port.
// CONFORMANCE_BIN overrides the binary path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { freePort } from './lib/server.mjs';

const BIN = process.env.CONFORMANCE_BIN ??
  new URL('../../build/dev/tests/conformance/conformance_server', import.meta.url).pathname;

let proc;
let url;
const clients = [];

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  proc = spawn(BIN, ['--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`conformance_server did not start: ${out}`)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening')) { clearTimeout(timer); resolve(); }
    });
    proc.on('exit', (code) => reject(new Error(`conformance_server exited with ${code}: ${out}`)));
  });
});

after(async () => {
  for (const c of clients) c.disconnect();
  proc?.kill('SIGTERM');
});

function client(nsp = '/', opts = {}) {
  const c = io(url + nsp, { forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200, ...opts });
  clients.push(c);
  return c;
}

function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    emitter.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });
}

async function connected(c) {
  if (!c.connected) await once(c, 'connect');
  return c;
}

for (const transports of [['polling'], ['websocket']]) {
  test(`${transports[0]} only: connect, auth payload, echo`, async () => {
    const c = client('/', { transports, auth: { token: 'abc' } });
    const [auth] = await once(c, 'auth');
    assert.deepEqual(auth, { token: 'abc' });
    assert.equal(c.io.engine.transport.name, transports[0]);
    assert.match(c.id, /^[A-Za-z0-9_-]{20}$/);
    c.emit('message', 1, '2', { 3: [true] });
    const back = await once(c, 'message-back');
    assert.deepEqual(back, [1, '2', { 3: [true] }]);
    c.disconnect();
  });
}

test('numbers, unicode and key order survive the echo unchanged', async () => {
  const c = await connected(client('/', { transports: ['websocket'] }));
  const payload = { z: 1, a: [0.1, 1.5, 1e21, 1e-7, 9.399999999000001e+24, -2, 2 ** 53, 18446744073709552000],
    s: 'h\u00e9 \u{1F600} "q" \\ \n \u0001', nested: { '3': [false, null] } };
  c.emit('message', payload);
  const [back] = await once(c, 'message-back');
  assert.deepEqual(back, payload);
  assert.equal(JSON.stringify(back), JSON.stringify(payload));
  c.disconnect();
});

test('upgrade from polling to websocket keeps the session', async () => {
  const c = client('/');
  await connected(c);
  const id = c.id;
  if (c.io.engine.transport.name !== 'websocket') await once(c.io.engine, 'upgrade');
  assert.equal(c.io.engine.transport.name, 'websocket');
  c.emit('message', 'after upgrade');
  assert.deepEqual(await once(c, 'message-back'), ['after upgrade']);
  assert.equal(c.id, id);
  c.disconnect();
});

test('client -> server ack, plain and binary', async () => {
  const c = await connected(client('/'));
  const reply = await new Promise((resolve) => c.emit('message-with-ack', 1, '2', { 3: [false] }, (...a) => resolve(a)));
  assert.deepEqual(reply, [1, '2', { 3: [false] }]);
  const bin = await new Promise((resolve) =>
    c.emit('message-with-ack', Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) }, (...a) => resolve(a)));
  assert.deepEqual([...bin[0]], [1, 2, 3]);
  assert.deepEqual([...bin[1].nested], [4]);
  const viaPromise = await c.timeout(2000).emitWithAck('message-with-ack', 'x');
  assert.equal(viaPromise, 'x');
  c.disconnect();
});

test('binary payloads both ways, polling and websocket', async () => {
  for (const transports of [['polling'], ['websocket']]) {
    const c = await connected(client('/', { transports }));
    const big = Buffer.alloc(100_000, 7);
    c.emit('message', Buffer.from([1, 2, 3]), { deep: [Buffer.from('hi')] }, big);
    const [a, b, d] = await once(c, 'message-back');
    assert.deepEqual([...a], [1, 2, 3]);
    assert.equal(Buffer.from(b.deep[0]).toString(), 'hi');
    assert.equal(d.length, big.length);
    assert.ok(Buffer.from(d).equals(big));
    c.disconnect();
  }
});

test('server -> client ack, reply and timeout', async () => {
  const c = client('/custom');
  c.on('ask', (x, cb) => cb(`pong-${x}`, Buffer.from([9])));
  c.on('ignore', () => {});
  await connected(c);
  c.emit('request-ack', 'ask', 'x');
  const [text, bytes] = await once(c, 'ack-result');
  assert.equal(text, 'pong-x');
  assert.deepEqual([...bytes], [9]);
  c.emit('request-ack', 'ignore');
  const [failure] = await once(c, 'ack-result', 4000);
  assert.deepEqual(failure, { error: 'operation has timed out' });
  c.disconnect();
});

test('unknown namespace gets connect_error "Invalid namespace"', async () => {
  const c = client('/nope');
  const [err] = await once(c, 'connect_error');
  assert.equal(err.message, 'Invalid namespace');
  c.disconnect();
});

test('reconnects after the server drops the transport', async () => {
  for (const transports of [['polling'], ['websocket']]) {
    const c = await connected(client('/custom', { transports }));
    const firstId = c.id;
    c.emit('drop-transport');
    const [reason] = await once(c, 'disconnect');
    assert.equal(reason, 'transport close');
    await once(c, 'connect');
    assert.notEqual(c.id, firstId);
    c.emit('request-ack', 'nothing-here');  // the new session serves events again
    c.disconnect();
  }
});

test('server-side disconnect is "io server disconnect" and does not reconnect', async () => {
  const c = await connected(client('/custom'));
  c.emit('server-disconnect');
  const [reason] = await once(c, 'disconnect');
  assert.equal(reason, 'io server disconnect');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(c.connected, false);
  assert.equal(c.active, false);
});

test('a client that stops answering pings is dropped with "ping timeout"', async () => {
  const wsUrl = url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket';
  const raw = new WebSocket(wsUrl);
  const frames = [];
  raw.on('message', (d) => frames.push(d.toString()));
  await once(raw, 'open');
  raw.send('40');
  const started = Date.now();
  await once(raw, 'close', 3000);  // pingInterval 300 + pingTimeout 200
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 400 && elapsed < 2000, `closed after ${elapsed} ms`);
  assert.ok(frames.some((f) => f.startsWith('40{"sid":')), frames.join(' | '));
  assert.ok(frames.includes('2'), 'a ping was sent');

  const watcher = await connected(client('/custom'));
  const [reasons] = await watcher.timeout(2000).emitWithAck('disconnect-reasons')
    .then((r) => [r]);
  assert.ok(reasons.includes('ping timeout'), JSON.stringify(reasons));
  watcher.disconnect();
});

test('multiplexing: two namespaces over one manager share one session', async () => {
  const main = client('/');
  const custom = main.io.socket('/custom');
  clients.push(custom);
  await connected(main);
  await connected(custom);
  assert.notEqual(main.id, custom.id);
  custom.disconnect();
  main.emit('message', 'still here');
  assert.deepEqual(await once(main, 'message-back'), ['still here']);
  main.disconnect();
});
