// Socket.IO settings reach the client (PING_INTERVAL_MS, PING_TIMEOUT_MS, MAX_PAYLOAD_BYTES),
// one port can serve REST and Socket.IO, and a graceful stop disconnects sockets promptly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, ask, closeAll } from './lib/socket.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('heartbeat and payload settings are announced and kept', async () => {
  const server = await start({ env: { PING_INTERVAL_MS: '200', PING_TIMEOUT_MS: '400', MAX_PAYLOAD_BYTES: '20000' } });
  const c = await connectAs(server.ws, tokenFor('hb'), { transports: ['websocket'] });
  try {
    const engine = c.socket.io.engine;
    // What the handshake announced (engine.io-client keeps it in these fields).
    assert.equal(engine._pingInterval ?? engine.pingInterval, 200);
    assert.equal(engine._pingTimeout ?? engine.pingTimeout, 400);
    assert.equal(engine._maxPayload ?? engine.maxPayload, 20000);
    let pings = 0;
    engine.on('ping', () => { pings++; });
    await sleep(1000); // several heartbeats: the client answers them and stays connected
    assert.ok(pings >= 3, `pings: ${pings}`);
    assert.equal(c.socket.connected, true);
    assert.equal((await ask(c.socket, 'ping', {})).event, 'pong');
    // A message larger than MAX_PAYLOAD_BYTES closes the session (Socket.IO's maxHttpBufferSize).
    const reason = waitFor(c.socket, 'disconnect');
    c.socket.emit('message:send', { conversationId: '0123456789abcdef01234567', content: 'x'.repeat(30000) });
    assert.match(await reason, /transport (close|error)/);
  } finally {
    closeAll(c.socket);
    await server.stop();
    server.cleanup();
  }
});

test('WS_PORT equal to HTTP_PORT: one port serves REST and Socket.IO', async () => {
  const server = await start({ samePort: true });
  try {
    assert.equal(server.ws, server.http);
    const conv = await api(server.http, tokenFor('sp-a')).post('/conversations', { type: 'group', name: 's', participantIds: ['sp-b'] });
    const { socket } = await connectAs(server.ws, tokenFor('sp-b'));
    const got = waitFor(socket, 'message:new');
    await api(server.http, tokenFor('sp-a')).post(`/conversations/${conv.body.id}/messages`, { content: 'same port' });
    assert.equal((await got).content, 'same port');
    socket.close();
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('SIGTERM disconnects websocket and polling clients and exits 0 promptly', async () => {
  const server = await start();
  const ws = await connectAs(server.ws, tokenFor('stop-a'), { transports: ['websocket'] });
  const poll = await connectAs(server.ws, tokenFor('stop-b'), { transports: ['polling'] });
  const gone = Promise.all([waitFor(ws.socket, 'disconnect', { ms: 8000 }), waitFor(poll.socket, 'disconnect', { ms: 8000 })]);
  const t0 = Date.now();
  const status = await server.stop();
  assert.equal(status.code, 0);
  assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
  await gone;
  closeAll(ws.socket, poll.socket);
  server.cleanup();
});

test('/metrics shows Engine.IO sessions, authenticated sockets and online users', async () => {
  const server = await start();
  const gauge = async (name) => {
    const text = await (await fetch(`${server.http}/metrics`)).text();
    const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
    assert.ok(m, `${name} missing`);
    return Number(m[1]);
  };
  try {
    assert.equal(await gauge('chatgate_socket_connections'), 0);
    const a1 = await connectAs(server.ws, tokenFor('m-a'));
    const a2 = await connectAs(server.ws, tokenFor('m-a'));
    const b = await connectAs(server.ws, tokenFor('m-b'));
    assert.equal(await gauge('chatgate_socket_connections'), 3);
    assert.equal(await gauge('chatgate_online_users'), 2);
    assert.equal(await gauge('chatgate_engineio_sessions'), 3);
    closeAll(a1.socket, a2.socket, b.socket);
    await sleep(300);
    assert.equal(await gauge('chatgate_socket_connections'), 0);
    assert.equal(await gauge('chatgate_online_users'), 0);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
