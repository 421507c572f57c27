// Graceful stop under load: SIGTERM with websocket and polling clients connected, an idle
// keep-alive REST connection and a REST request half sent. The clients are disconnected, the
// half-sent request is still answered, the process exits 0 within a few seconds, and what was
// acknowledged before the signal is in the database after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, ask, closeAll } from './lib/socket.mjs';

/** Sends the request line, headers and half of `body`; resolves with { sock, rest, response }. */
function halfSent(base, path, token, body) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    let text = '';
    const response = new Promise((res) => {
      sock.on('data', (d) => { text += d; });
      sock.on('close', () => res(text));
    });
    sock.on('error', reject);
    sock.on('connect', () => {
      const bytes = Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      sock.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`);
      sock.write(bytes.subarray(0, half), () => resolve({ sock, rest: bytes.subarray(half), response }));
    });
  });
}

test('SIGTERM: sockets disconnected, a half-sent REST request answered, exit 0, acked messages kept', async () => {
  let server = await start();
  const owner = 'stop-owner', member = 'stop-member';
  const conv = await api(server.http, tokenFor(owner)).post('/conversations',
    { type: 'group', name: 'stop', participantIds: [member] });
  assert.equal(conv.status, 201);
  const id = conv.body.id;
  const ws = await connectAs(server.ws, tokenFor(owner), { transports: ['websocket'] });
  const poll = await connectAs(server.ws, tokenFor(member), { transports: ['polling'] });
  const upgraded = await connectAs(server.ws, tokenFor(member));
  if (upgraded.socket.io.engine.transport.name !== 'websocket') await waitFor(upgraded.socket.io.engine, 'upgrade');
  const acked = [];
  for (const [i, s] of [ws.socket, poll.socket, upgraded.socket].entries()) {
    const r = await ask(s, 'message:send', { conversationId: id, content: `acked ${i}` });
    assert.equal(r.success, true, JSON.stringify(r));
    acked.push(r.message.id);
  }
  // An idle keep-alive connection (fetch keeps it open) must not hold the stop up.
  assert.equal((await fetch(`${server.http}/health`)).status, 200);
  const pending = await halfSent(server.http, `/api/v1/conversations/${id}/messages`, tokenFor(owner),
    JSON.stringify({ content: 'in flight during SIGTERM' }));

  const gone = [ws, poll, upgraded].map(({ socket }) => waitFor(socket, 'disconnect', { ms: 8000 }));
  const t0 = Date.now();
  server.proc.kill('SIGTERM');
  await Promise.all(gone);
  pending.sock.write(pending.rest); // the request completes after the signal
  const response = await pending.response;
  assert.match(response, /^HTTP\/1.1 201 /, response);
  const status = await server.exited;
  assert.deepEqual(status, { code: 0, signal: null }, server.output());
  assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
  closeAll(ws.socket, poll.socket, upgraded.socket);

  server = await start({ dir: server.dir, dbPath: server.dbPath });
  try {
    const r = await api(server.http, tokenFor(owner)).get(`/conversations/${id}/messages?limit=100`);
    assert.equal(r.status, 200);
    const contents = r.body.items.map((m) => m.content);
    for (const mid of acked) assert.ok(r.body.items.some((m) => m.id === mid), `acked ${mid} lost: ${contents}`);
    assert.ok(contents.includes('in flight during SIGTERM'), contents.join());
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('SIGTERM with a request that never completes exits 0 after DRAIN_TIMEOUT_MS', async () => {
  const server = await start({ env: { DRAIN_TIMEOUT_MS: '1500' } });
  try {
    const pending = await halfSent(server.http, '/api/v1/presence', tokenFor('stuck'), JSON.stringify({ userIds: ['x'] }));
    const t0 = Date.now();
    const status = await server.stop();
    const took = Date.now() - t0;
    assert.deepEqual(status, { code: 0, signal: null }, server.output());
    assert.ok(took >= 1400 && took < 6000, `stop took ${took} ms`);
    pending.sock.destroy();
  } finally {
    server.cleanup();
  }
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`a second ${signal} during the drain exits at once`, async () => {
    const server = await start({ env: { DRAIN_TIMEOUT_MS: '30000' } });
    try {
      const pending = await halfSent(server.http, '/api/v1/presence', tokenFor('stuck'), JSON.stringify({ userIds: ['x'] }));
      server.proc.kill(signal);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(server.proc.exitCode, null, 'still draining after the first signal');
      const t0 = Date.now();
      server.proc.kill(signal);
      const status = await server.exited;
      assert.deepEqual(status, { code: 0, signal: null }, server.output());
      assert.ok(Date.now() - t0 < 2000, `second signal took ${Date.now() - t0} ms`);
      assert.match(server.output(), /during the drain, exiting now/);
      pending.sock.destroy();
    } finally {
      server.cleanup();
    }
  });
}
