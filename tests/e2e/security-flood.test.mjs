// Contract §9, floods: per-address handshake limit (CONNECT_RATE_LIMIT, 429 before any session),
// a cap on unauthenticated sessions (MAX_UNAUTHENTICATED_SESSIONS, 503) and a header timeout
// (HEADER_TIMEOUT_MS), each counted in /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, ask, closeAll } from './lib/socket.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function metrics(server) {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  return (name) => Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
}

function rssKb(pid) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1]);
}

/** One polling handshake; resolves with the HTTP status. */
function handshake(base, agent, localAddress) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/socket.io/?EIO=4&transport=polling`, { agent, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
  });
}

test('2,000 handshakes from one address in a second are mostly 429; 127.0.0.2 connects normally', async () => {
  const server = await start({ env: { CONNECT_TIMEOUT_MS: '1000', PING_INTERVAL_MS: '500', PING_TIMEOUT_MS: '500' } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let other;
  try {
    const rssBefore = rssKb(server.proc.pid);
    const t0 = Date.now();
    const flood = Promise.all(Array.from({ length: 2000 }, () => handshake(server.ws, agent)));
    // Meanwhile a client from another source address connects with the official client.
    other = await connectAs(server.ws, tokenFor('neighbour'), { transports: ['websocket'], localAddress: '127.0.0.2' });
    assert.equal(other.connected.userId, 'neighbour');
    const statuses = await flood;
    const elapsed = Date.now() - t0;
    const ok = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    console.log(`flood: ${ok} x 200, ${limited} x 429 in ${elapsed} ms; RSS ${rssBefore} -> ${rssKb(server.proc.pid)} kB`);
    assert.equal(ok + limited, 2000, `other statuses: ${statuses.filter((s) => s !== 200 && s !== 429)}`);
    // 20 at once, then 20 per second for as long as the flood lasted.
    assert.ok(ok >= 20 && ok <= 20 + Math.ceil(elapsed / 50) + 1, `${ok} allowed in ${elapsed} ms`);
    assert.ok(limited >= 1900 || elapsed > 5000, `only ${limited} refused`);
    assert.equal((await ask(other.socket, 'ping', {})).event, 'pong');
    const m = await metrics(server);
    assert.equal(m('chatgate_engineio_handshakes_rate_limited_total'), limited);
    assert.ok(m('chatgate_engineio_sessions_opened_total') <= ok + 1);
    // RSS bounded: 2,000 refused handshakes hold no memory of their own.
    assert.ok(rssKb(server.proc.pid) - rssBefore < 30 * 1024, 'RSS grew by more than 30 MB');
    // All released: the flood's sessions never connect a namespace and time out.
    agent.destroy();
    closeAll(other.socket);
    const deadline = Date.now() + 8000;
    let open;
    do {
      await sleep(200);
      const now = await metrics(server);
      open = now('chatgate_engineio_sessions');
    } while (open !== 0 && Date.now() < deadline);
    assert.equal(open, 0);
    assert.equal((await metrics(server))('chatgate_engineio_unauthenticated_sessions'), 0);
    // And 127.0.0.1 may connect again once its budget refilled.
    const again = await connectAs(server.ws, tokenFor('after'), { transports: ['websocket'] });
    closeAll(again.socket);
  } finally {
    agent.destroy();
    closeAll(other?.socket);
    await server.stop();
    server.cleanup();
  }
});

test('CONNECT_RATE_LIMIT: at the limit all pass, one past it gets 429 with Retry-After', async () => {
  const server = await start({ env: { CONNECT_RATE_LIMIT: '5/1h' } });
  try {
    for (let i = 0; i < 5; i++) assert.equal(await handshake(server.ws, false), 200);
    const res = await fetch(`${server.ws}/socket.io/?EIO=4&transport=polling`);
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal((await res.json()).code, 'RATE_LIMITED');
    // The websocket transport is refused the same way, before the upgrade.
    const s = await import('./lib/socket.mjs').then((m) => m.socketTo(server.ws, { transports: ['websocket'], auth: { token: tokenFor('x') } }));
    const err = await new Promise((resolve) => s.on('connect_error', resolve));
    assert.ok(err);
    s.close();
    assert.equal(await handshake(server.ws, false, '127.0.0.2'), 200);
    assert.equal((await metrics(server))('chatgate_engineio_handshakes_rate_limited_total'), 2);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('MAX_UNAUTHENTICATED_SESSIONS: at the cap all open, one past it gets 503; authenticated ones do not count', async () => {
  const server = await start({ env: { MAX_UNAUTHENTICATED_SESSIONS: '3' } });
  let c;
  try {
    c = await connectAs(server.ws, tokenFor('authed'), { transports: ['websocket'] });
    for (let i = 0; i < 3; i++) assert.equal(await handshake(server.ws, false), 200);
    assert.equal(await handshake(server.ws, false), 503);
    const m = await metrics(server);
    assert.equal(m('chatgate_engineio_unauthenticated_sessions'), 3);
    assert.equal(m('chatgate_engineio_unauthenticated_refused_total'), 1);
    assert.equal(m('chatgate_engineio_sessions'), 4);
    assert.equal((await ask(c.socket, 'ping', {})).event, 'pong');
  } finally {
    closeAll(c?.socket);
    await server.stop();
    server.cleanup();
  }
});

test('HEADER_TIMEOUT_MS: headers sent a byte at a time are cut off and counted', async () => {
  const server = await start({ env: { HEADER_TIMEOUT_MS: '600' } });
  try {
    const port = Number(new URL(server.ws).port);
    const sock = net.connect(port, '127.0.0.1');
    const t0 = Date.now();
    const closed = new Promise((resolve) => sock.on('close', () => resolve(Date.now() - t0)));
    sock.on('error', () => {});
    const raw = 'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa';
    let i = 0;
    const timer = setInterval(() => { if (i < raw.length && !sock.destroyed) sock.write(raw[i++]); }, 50);
    const took = await closed;
    clearInterval(timer);
    assert.ok(took >= 550 && took < 3000, `closed after ${took} ms`);
    assert.equal((await metrics(server))('chatgate_http_header_timeouts_total'), 1);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
