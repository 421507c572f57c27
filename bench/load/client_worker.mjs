// One client worker process: holds sockets (official socket.io-client), sends on some of them and
// counts every `message:new` it receives, per socket and seq, with its end-to-end latency.
// Latency uses process.hrtime (CLOCK_MONOTONIC), one clock for every process on the machine.
import { io } from 'socket.io-client';
import { samples } from './lib/stats.mjs';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// By the slot the parent gave each spec, so the parent can name a sender by slot.
const clients = [];  // { socket, user, convs, seen: Map<convId, Uint8Array>, rooms }
// latency: deliveries to members that do not send; senderLatency: to the sending sockets, whose
// queue also carries their acks.
const rx = { recording: false, delivered: 0, duplicates: 0, latency: new samples(1 << 16), senderLatency: new samples(), first: 0, last: 0, cpu: null, wall: 0, errorEvents: 0, firstErrorEvent: null, disconnects: 0, firstDisconnect: null };
let closing = false;  // set by close(): disconnects after it are ours

function onMessageNew(client, m) {
  if (!rx.recording) return;
  const at = nowMs();
  rx.delivered++;
  if (rx.first === 0) rx.first = at;
  rx.last = at;
  const t = Number(m?.metadata?.benchT);
  if (t > 0) (client.sender ? rx.senderLatency : rx.latency).push(at - t);
  let seen = client.seen.get(m.conversationId);
  if (!seen || seen.length <= m.seq) {
    const bigger = new Uint8Array(Math.max(1024, (m.seq + 1) * 2));
    if (seen) bigger.set(seen);
    seen = bigger;
    client.seen.set(m.conversationId, seen);
  }
  if (seen[m.seq]) rx.duplicates++;
  seen[m.seq] = 1;
}

/** Opens one socket and resolves with ms to the gateway's `connected` event (rejects on failure). */
function open(url, spec, transport, timeoutMs) {
  const started = nowMs();
  const socket = io(url, { forceNew: true, reconnection: false, transports: transport.split(','), auth: { token: spec.token }, timeout: timeoutMs });
  const client = { socket, user: spec.user, token: spec.token, convs: spec.convs ?? [], seen: new Map(), rooms: 0 };
  socket.on('message:new', (m) => onMessageNew(client, m));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no 'connected' within ${timeoutMs} ms`), timeoutMs);
    const onError = (e) => fail(`error ${e?.code}: ${e?.message}`);
    const onConnectError = (e) => fail(`connect_error: ${e?.message}`);
    const onDisconnect = (r) => fail(`disconnect before connected: ${r}`);
    function fail(why) { clearTimeout(timer); socket.close(); reject(new Error(why)); }
    socket.once('error', onError);
    socket.once('connect_error', onConnectError);
    socket.once('disconnect', onDisconnect);
    socket.once('connected', (p) => {
      clearTimeout(timer);
      socket.off('error', onError).off('connect_error', onConnectError).off('disconnect', onDisconnect);
      // From here on an `error` event or a disconnect is a finding of the run, not a failed connect.
      socket.on('error', (e) => { rx.errorEvents++; rx.firstErrorEvent ??= JSON.stringify(e); });
      socket.on('disconnect', (r) => { if (!closing) { rx.disconnects++; rx.firstDisconnect ??= r; } });
      client.rooms = p?.rooms ?? 0;
      clients[spec.slot] = client;
      resolve(nowMs() - started);
    });
  });
}

async function connect({ url, transport = 'websocket', specs, concurrency = 100, timeoutMs = 20000 }) {
  const times = new samples(specs.length);
  const errors = [];
  let next = 0, failed = 0;
  async function lane() {
    while (next < specs.length) {
      const spec = specs[next++];
      try { times.push(await open(url, spec, transport, timeoutMs)); } catch (e) { failed++; if (errors.length < 5) errors.push(e.message); }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, lane));
  const rooms = clients.filter(Boolean).map((c) => c.rooms);
  return { connected: times.length, failed, errors, connectMs: times.array().slice(), roomsMin: Math.min(...rooms), roomsMax: Math.max(...rooms) };
}

function startRecording() {
  Object.assign(rx, { recording: true, delivered: 0, duplicates: 0, latency: new samples(1 << 16), senderLatency: new samples(), first: 0, last: 0, cpu: process.cpuUsage(), wall: nowMs(), errorEvents: 0, firstErrorEvent: null, disconnects: 0, firstDisconnect: null });
  for (const c of clients) if (c) c.seen.clear();
  return {};
}

/** Sends one message over the socket with an ack; calls done(error, message). */
function emitSend(client, body, ackTimeoutMs, done) {
  client.socket.timeout(ackTimeoutMs).emit('message:send', body, (err, ack) => {
    if (err) done({ timeout: true });
    else if (ack?.success) done(null, ack.message);
    else done({ error: JSON.stringify(ack?.error ?? ack) });
  });
}

/** Sends one message with REST POST /conversations/{id}/messages; the 201 body is the ack. */
function postSend(client, body, ackTimeoutMs, done, http) {
  const { conversationId, ...rest } = body;
  fetch(`${http}/api/v1/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
    body: JSON.stringify(rest),
    signal: AbortSignal.timeout(ackTimeoutMs),
  }).then(async (res) => {
    if (res.status === 201) done(null, await res.json());
    else done({ error: `${res.status} ${await res.text()}` });
  }, (e) => done(e.name === 'TimeoutError' ? { timeout: true } : { error: e.message }));
}

/**
 * One sender: `rate` messages/s (0: as fast as `window` acks in flight allow) for `durationMs`.
 * At a fixed rate the first message leaves `offsetMs` after the start, so that the parent can
 * interleave senders instead of having them all fire on the same tick.
 */
function runSender(client, conversationId, offsetMs, { rate, window, durationMs, content, ackTimeoutMs, via, http }, out) {
  const transmit = via === 'rest' ? postSend : emitSend;
  return new Promise((resolve) => {
    const started = nowMs();
    let issued = 0, inFlight = 0, stopped = false;
    const finish = () => { if (stopped && inFlight === 0) { clearInterval(tick); resolve(); } };
    const sendOne = () => {
      const n = issued++;
      inFlight++;
      out.sent++;
      const t0 = nowMs();
      const body = { conversationId, content, metadata: { benchT: String(t0), benchN: n } };
      transmit(client, body, ackTimeoutMs, (fail, message) => {
        inFlight--;
        if (fail?.timeout) out.ackTimeouts++;
        else if (fail) { out.ackFailed++; out.firstError ??= fail.error; }
        else {
          out.acked++;
          out.ackLat.push(nowMs() - t0);
          (out.seqs[conversationId] ??= []).push(message.seq);
        }
        if (!stopped && rate === 0) sendOne();
        finish();
      }, http);
    };
    const tick = setInterval(() => {
      const elapsed = nowMs() - started;
      if (elapsed >= durationMs) { stopped = true; finish(); return; }
      if (rate === 0) return;
      if (elapsed < offsetMs) return;
      const due = Math.floor(((elapsed - offsetMs) * rate) / 1000) + 1 - issued;
      for (let i = 0; i < due && inFlight < window; i++) sendOne();
    }, 1);
    if (rate === 0) for (let i = 0; i < window; i++) sendOne();
  });
}

async function send({ senders, rate = 0, window = 16, durationMs = 10000, contentBytes = 64, ackTimeoutMs = 15000, via = 'socket', http }) {
  const content = 'bench '.padEnd(contentBytes, 'x');
  const out = { sent: 0, acked: 0, ackFailed: 0, ackTimeouts: 0, firstError: null, ackLat: new samples(), seqs: {} };
  const opts = { rate, window, durationMs, content, ackTimeoutMs, via, http };
  for (const s of senders) clients[s.slot].sender = true;
  await Promise.all(senders.map((s) => runSender(clients[s.slot], s.conversationId, s.offsetMs ?? 0, opts, out)));
  return { ...out, ackLat: out.ackLat.array().slice() };
}

function status() { return { delivered: rx.delivered, last: rx.last }; }

/** Checks every socket got every acked seq of each of its conversations exactly once. */
function report({ expected }) {
  let missing = 0, unexpected = 0;
  for (const c of clients) {
    if (!c) continue;
    for (const conv of c.convs) {
      const want = expected[conv] ?? [];
      const seen = c.seen.get(conv) ?? new Uint8Array(0);
      let matched = 0;
      for (const seq of want) if (seen[seq]) matched++; else missing++;
      let total = 0;
      for (const v of seen) total += v;
      unexpected += total - matched;
    }
  }
  rx.recording = false;
  const cpu = process.cpuUsage(rx.cpu);
  // Share of one core this worker used while recording: near 100% means the client, not the
  // server, set the pace.
  const cpuUtil = (cpu.user + cpu.system) / 1000 / (nowMs() - rx.wall);
  const { errorEvents, firstErrorEvent, disconnects, firstDisconnect } = rx;
  return { cpuUtil, errorEvents, firstErrorEvent, disconnects, firstDisconnect, delivered: rx.delivered, duplicates: rx.duplicates, missing, unexpected, first: rx.first, last: rx.last, latency: rx.latency.array().slice(), senderLatency: rx.senderLatency.array().slice() };
}

function close() {
  closing = true;
  let closed = 0;
  for (const c of clients) if (c) { c.socket.close(); closed++; }
  clients.length = 0;
  closing = false;
  return { closed };
}

const commands = { connect, startRecording, send, status, report, close };

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, result: await commands[cmd](args) });
  } catch (e) {
    process.send({ id, ok: false, error: e.stack ?? String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
