// Slow client policy (engineio settings.max_queued_bytes): a websocket client that stops reading
// while its room gets large broadcasts is disconnected with "slow client", its connection is
// closed (not kept open holding the unsent frames), server memory stays bounded, the counter
// shows in /metrics, and a reading member of the same room keeps getting every message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, collect, closeAll } from './lib/socket.mjs';

let server;
before(async () => { server = await start({ env: { RATE_LIMIT: '0/1s' } }); });
after(async () => { await server?.stop(); server?.cleanup(); });

/** A masked client frame (RFC 6455 §5.2). */
function frame(text, opcode = 1) {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len])
    : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([head, mask, body]);
}

/**
 * A websocket client written by hand over `net`, so that it can stop reading: resolves once the
 * gateway's `connected` event arrived, with { sock, texts }.
 */
function rawSocketIo(base, token) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    const texts = [];
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const timer = setTimeout(() => reject(new Error(`no connected event; got ${JSON.stringify(texts)}`)), 5000);
    sock.on('error', () => {});
    sock.on('connect', () => sock.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        assert.match(buf.subarray(0, end).toString(), /^HTTP\/1.1 101/);
        buf = buf.subarray(end + 4);
        upgraded = true;
      }
      while (buf.length >= 2) {
        let len = buf[1] & 0x7f, off = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
        if (buf.length < off + len) return;
        const text = buf.subarray(off, off + len).toString();
        buf = buf.subarray(off + len);
        texts.push(text);
        if (text.startsWith('0')) sock.write(frame(`40${JSON.stringify({ token })}`));
        if (text.startsWith('42["connected"')) { clearTimeout(timer); resolve({ sock, texts }); }
      }
    });
  });
}

async function metricsText() { return (await fetch(`${server.http}/metrics`)).text(); }
function metric(text, name) {
  const m = text.match(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+(?:\\.\\d+)?)$`, 'm'));
  return m ? Number(m[1]) : undefined;
}
const rssKb = () => Number(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
// ASan keeps freed memory in quarantine (up to 256 MB): RSS says nothing about leaks there.
const sanitized = () => readFileSync(`/proc/${server.proc.pid}/maps`, 'utf8').includes('libasan');
/** Whether the server's end of the connection from local `port` is still ESTABLISHED. */
function serverEndEstablished(port) {
  const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');
  const serverPort = hex(Number(new URL(server.ws).port));
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1]?.endsWith(`:${serverPort}`) && f[2]?.endsWith(`:${hex(port)}`) && f[3] === '01';
  });
}
async function until(what, check, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a websocket client that stops reading is disconnected as "slow client" and its connection closed; others keep up', async () => {
  const sender = 'slow-sender', slow = 'slow-reader', fast = 'slow-fast';
  const conv = await api(server.http, tokenFor(sender)).post('/conversations',
    { type: 'group', name: 'slow', participantIds: [slow, fast] });
  assert.equal(conv.status, 201);
  const raw = await rawSocketIo(server.ws, tokenFor(slow));
  const reader = await connectAs(server.ws, tokenFor(fast), { transports: ['websocket'] });
  const got = collect(reader.socket, 'message:new');
  assert.equal(serverEndEstablished(raw.sock.localPort), true);
  raw.sock.pause(); // stops reading: the kernel buffers fill, then the server's queue
  const rssBefore = rssKb();

  const content = '😀'.repeat(5000); // 20 KB of UTF-8 per message
  const rest = api(server.http, tokenFor(sender));
  let sent = 0;
  let slowCount = 0;
  while (sent < 3000) {
    const batch = await Promise.all(Array.from({ length: 20 }, () =>
      rest.post(`/conversations/${conv.body.id}/messages`, { content })));
    for (const r of batch) assert.equal(r.status, 201, JSON.stringify(r.body));
    sent += batch.length;
    slowCount = metric(await metricsText(), 'chatgate_engineio_slow_client_disconnects_total') ?? 0;
    if (slowCount >= 1) break;
  }
  const text = await metricsText();
  assert.equal(slowCount, 1, `no slow client disconnect after ${sent} messages:\n${text}`);
  assert.equal(metric(text, 'chatgate_engineio_sessions_closed_total{reason="slow client"}'), 1, text);
  assert.equal(metric(text, 'chatgate_engineio_sessions'), 1, text); // the reading client only

  // The server lets go of the connection although the peer still does not read.
  const port = raw.sock.localPort;
  await until('the server to close the slow connection', () => !serverEndEstablished(port));
  // Bounded: a few queue limits (1 MB each) plus buffers, not the ~MBs sent.
  const grown = rssKb() - rssBefore;
  if (!sanitized()) assert.ok(grown < 64 * 1024, `RSS grew by ${grown} KB`);

  // The reading member got every message, in order.
  await until('the reader to get every message', () => got.length === sent, 15000);
  const seqs = got.map((m) => m.seq);
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
  assert.equal(reader.socket.connected, true);
  raw.sock.destroy();
  closeAll(reader.socket);
});

// The other side of the policy: one packet larger than the queue limit (a messages:sync ack of
// 100 messages of 5000 emoji is ~2 MB) is not a slow client when nothing else is waiting.
for (const transport of ['websocket', 'polling']) {
  test(`${transport}: a messages:sync ack larger than the queue limit reaches a client that reads`, async () => {
    const owner = `big-owner-${transport}`;
    const conv = await api(server.http, tokenFor(owner)).post('/conversations',
      { type: 'group', name: 'big', participantIds: [] });
    const content = '😀'.repeat(5000);
    const rest = api(server.http, tokenFor(owner));
    for (let i = 0; i < 100; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () =>
        rest.post(`/conversations/${conv.body.id}/messages`, { content })));
      for (const r of batch) assert.equal(r.status, 201);
    }
    const { socket } = await connectAs(server.ws, tokenFor(owner), { transports: [transport] });
    const slowBefore = metric(await metricsText(), 'chatgate_engineio_slow_client_disconnects_total') ?? 0;
    const r = await socket.timeout(10000).emitWithAck('messages:sync', { conversationId: conv.body.id });
    assert.equal(r.success, true);
    assert.equal(r.messages.length, 100);
    assert.equal(r.messages[99].content, content);
    assert.equal(socket.connected, true);
    assert.equal(metric(await metricsText(), 'chatgate_engineio_slow_client_disconnects_total') ?? 0, slowBefore);
    closeAll(socket);
  });
}
