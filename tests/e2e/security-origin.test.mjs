// Contract §9, origins: with ALLOWED_ORIGINS set, a websocket upgrade or polling request whose
// Origin is not listed gets 403 and opens no session; requests without Origin (native clients)
// and from a listed origin work. The websocket attack uses the official client with
// extraHeaders (node's ws sends them); polling uses plain HTTP, because the client's node XHR
// refuses to set an Origin header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { socketTo, connectAs, waitFor, closeAll } from './lib/socket.mjs';

const ALLOWED = 'http://app.example';

/** GET `url` with `headers`; resolves with { status, body }. */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers }));
    }).on('error', reject);
  });
}

async function sessions(server) {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  const line = (name) => Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
  return { open: line('chatgate_engineio_sessions'), opened: line('chatgate_engineio_sessions_opened_total'),
    refused: line('chatgate_engineio_origin_refused_total') };
}

test('a websocket from a foreign origin is refused with 403 and opens nothing', async () => {
  const server = await start({ env: { ALLOWED_ORIGINS: ALLOWED } });
  const s = socketTo(server.ws, {
    transports: ['websocket'], auth: { token: tokenFor('evil-ws') },
    extraHeaders: { origin: 'http://evil.example' },
  });
  try {
    const err = await waitFor(s, 'connect_error');
    assert.match(String(err.description?.message ?? err.description ?? err.message), /403|websocket error/);
    assert.equal(s.connected, false);
    const m = await sessions(server);
    assert.equal(m.opened, 0);
    assert.ok(m.refused >= 1, `origin_refused ${m.refused}`);
  } finally {
    closeAll(s);
    await server.stop();
    server.cleanup();
  }
});

test('a raw websocket upgrade from a foreign origin gets HTTP 403', async () => {
  const server = await start({ env: { ALLOWED_ORIGINS: ALLOWED } });
  try {
    const status = await new Promise((resolve, reject) => {
      const req = http.get(`${server.ws}/socket.io/?EIO=4&transport=websocket`, {
        agent: false,
        headers: { connection: 'Upgrade', upgrade: 'websocket', origin: 'http://evil.example',
          'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
      req.on('upgrade', () => resolve(101));
      req.on('error', reject);
    });
    assert.equal(status, 403);
    assert.equal((await sessions(server)).opened, 0);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('polling from a foreign origin is refused with 403, also for an existing session', async () => {
  const server = await start({ env: { ALLOWED_ORIGINS: ALLOWED } });
  try {
    const url = `${server.ws}/socket.io/?EIO=4&transport=polling`;
    const evil = await get(url, { origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.deepEqual(JSON.parse(evil.body), { code: 4, message: 'Forbidden' });
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    assert.equal((await sessions(server)).opened, 0);
    // A native client (no Origin) opens a session; a foreign page cannot ride on its sid.
    const native = await get(url);
    assert.equal(native.status, 200);
    const sid = JSON.parse(native.body.slice(1)).sid;
    const ride = await get(`${url}&sid=${sid}`, { origin: 'http://evil.example' });
    assert.equal(ride.status, 403);
    const allowed = await get(url, { origin: ALLOWED });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], ALLOWED);
    assert.equal((await sessions(server)).opened, 2);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('native clients without Origin and listed origins connect on both transports', async () => {
  const server = await start({ env: { ALLOWED_ORIGINS: `https://other.example, ${ALLOWED}` } });
  const sockets = [];
  try {
    for (const transports of [['websocket'], ['polling'], ['polling', 'websocket']]) {
      const c = await connectAs(server.ws, tokenFor('native'), { transports });
      sockets.push(c.socket);
      assert.equal(c.connected.userId, 'native');
    }
    const listed = await connectAs(server.ws, tokenFor('listed'), {
      transports: ['websocket'], extraHeaders: { origin: ALLOWED } });
    sockets.push(listed.socket);
    assert.equal(listed.connected.userId, 'listed');
  } finally {
    closeAll(sockets);
    await server.stop();
    server.cleanup();
  }
});
