// `fanout`: G group conversations of S members, one socket per member. Member 0 of each group
// (its admin) sends `message:send` with an ack, at a fixed total rate or as fast as `window`
// unacknowledged messages per sender allow, for D seconds. With via 'rest' the senders POST
// /conversations/{id}/messages instead and the 201 response is the ack (rest-to-socket). Every member, the sender included,
// must receive every acked message exactly once (checked by seq); latency is send -> delivery.
import { childrenCpuMs, cpuMs, rssKiB, runQueueWaitMs } from '../lib/proc.mjs';
import os from 'node:os';
import { place, connectAll, nowMs, sleep, token } from '../lib/clients.mjs';
import { concat, summary } from '../lib/stats.mjs';
import { startNative } from '../lib/native.mjs';
import { startProfile } from '../lib/profile.mjs';

async function createGroup(http, members, name) {
  const res = await fetch(`${http}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(members[0])}` },
    body: JSON.stringify({ type: 'group', name, participantIds: members.slice(1) }),
  });
  if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

/** Waits until the workers have seen `expected` deliveries, or `ms` passed. */
async function drain(pool, expected, ms) {
  const end = nowMs() + ms;
  for (;;) {
    const got = (await pool.all('status')).reduce((s, r) => s + r.delivered, 0);
    if (got >= expected || nowMs() > end) return got;
    await sleep(50);
  }
}

export async function fanout(opts) {
  return opts.generator === 'native' ? fanoutNative(opts) : fanoutJs(opts);
}

async function fanoutJs({ server, pool, groups, members, rate, window, durationMs, contentBytes, transport, concurrency, via = 'socket', name = 'fanout' }) {
  const specs = [];
  const convs = [];
  for (let g = 0; g < groups; g++) {
    const users = Array.from({ length: members }, (_, m) => `g${g}-m${m}`);
    const conv = await createGroup(server.http, users, `bench ${g}`);
    convs.push(conv);
    for (const user of users) specs.push({ user, convs: [conv] });
  }
  const { perWorker, where } = place(specs, pool.size);
  const c = await connectAll(pool, server.ws, perWorker, { transport, concurrency });
  // `connected.rooms` counts user:{id} and the conversation: each socket must be in its group's room.
  const roomsMin = Math.min(...c.results.map((r) => r.roomsMin));
  if (roomsMin < 2) throw new Error(`a socket reported ${roomsMin} rooms on connect; expected 2`);
  const senders = Array.from({ length: pool.size }, () => []);
  convs.forEach((conversationId, g) => {
    const w = where[g * members];
    // Senders take turns: one message every 1000/rate ms over all of them.
    senders[w.worker].push({ slot: w.slot, conversationId, offsetMs: rate > 0 ? (g * 1000) / rate : 0 });
  });
  await pool.all('startRecording');
  const rssBefore = rssKiB(server.pid);
  const cpu0 = cpuMs(server.pid);
  const store0 = childrenCpuMs(server.storePid);
  const wait0 = runQueueWaitMs(server.pid);
  const t0 = nowMs();
  const perSender = rate > 0 ? rate / groups : 0;
  const sent = await pool.all('send', (i) => ({ senders: senders[i], rate: perSender, window: rate > 0 ? 100000 : window, durationMs, contentBytes, via, http: server.http }));
  const sendEnd = nowMs();
  const seqs = {};
  for (const s of sent) for (const [conv, list] of Object.entries(s.seqs)) seqs[conv] = list;
  const acked = sent.reduce((s, r) => s + r.acked, 0);
  const expected = acked * members;
  await drain(pool, expected, 15000);
  const cpu1 = cpuMs(server.pid);
  const storeCpuMs = childrenCpuMs(server.storePid) - store0;
  const wait1 = runQueueWaitMs(server.pid);
  const rssAfter = rssKiB(server.pid);
  const reports = await pool.all('report', () => ({ expected: seqs }));
  await pool.all('close');
  const delivered = reports.reduce((s, r) => s + r.delivered, 0);
  const last = Math.max(...reports.map((r) => r.last));
  const elapsedS = (Math.max(last, sendEnd) - t0) / 1000;
  const serverCpuMs = cpu1 - cpu0;
  return {
    scenario: name, transport, via, groups, members, sockets: c.connected, senders: groups,
    mode: rate > 0 ? `fixed ${rate} msg/s` : `max (window ${window}/sender)`, durationMs, contentBytes,
    sent: sent.reduce((s, r) => s + r.sent, 0), acked,
    ackFailed: sent.reduce((s, r) => s + r.ackFailed, 0), ackTimeouts: sent.reduce((s, r) => s + r.ackTimeouts, 0),
    firstError: sent.map((r) => r.firstError).find(Boolean) ?? null,
    expectedDeliveries: expected, delivered,
    missing: reports.reduce((s, r) => s + r.missing, 0),
    duplicates: reports.reduce((s, r) => s + r.duplicates, 0),
    unexpected: reports.reduce((s, r) => s + r.unexpected, 0),
    errorEvents: reports.reduce((s, r) => s + r.errorEvents, 0),
    firstErrorEvent: reports.map((r) => r.firstErrorEvent).find(Boolean) ?? null,
    disconnects: reports.reduce((s, r) => s + r.disconnects, 0),
    firstDisconnect: reports.map((r) => r.firstDisconnect).find(Boolean) ?? null,
    elapsedS, acksPerSec: acked / ((sendEnd - t0) / 1000), deliveriesPerSec: delivered / elapsedS,
    latencyMs: summary(concat(reports.map((r) => r.latency))),
    senderDeliveryLatencyMs: summary(concat(reports.map((r) => r.senderLatency))),
    ackLatencyMs: summary(concat(sent.map((r) => r.ackLat))),
    serverCpuMs, serverCpuUtil: serverCpuMs / (elapsedS * 1000),
    serverCpuUsPerDelivery: (serverCpuMs * 1000) / Math.max(1, delivered),
    serverCpuUsPerMessage: (serverCpuMs * 1000) / Math.max(1, acked),
    storeCpuMs, storeCpuUsPerMessage: server.storePid ? (storeCpuMs * 1000) / Math.max(1, acked) : null,
    rssBeforeKiB: rssBefore, rssAfterKiB: rssAfter,
    clientCpuUtil: reports.map((r) => r.cpuUtil),
    serverRunQueueWaitMs: wait1 - wait0, loadAverage1m: os.loadavg()[0],
  };
}

/**
 * As fanoutJs with the native generator (bench/loadgen): `procs` processes, websocket only,
 * message:send only; closed loop (`window` unacked per sender) when rate is 0, else open loop at
 * `rate` messages/s over all senders.
 */
async function fanoutNative({ server, groups, members, rate, window, durationMs, contentBytes, concurrency, procs, loadgen, profile, perfRecord = false, run = 1, label, name = 'fanout' }) {
  const list = [];
  for (let g = 0; g < groups; g++) {
    const users = Array.from({ length: members }, (_, m) => `g${g}-m${m}`);
    const conv = await createGroup(server.http, users, `bench ${g}`);
    list.push({ conv, members: users.map((u, m) => ({ token: token(u), sender: m === 0 })) });
  }
  const gen = await startNative({ bin: loadgen, server, groups: list, procs, window, durationMs, contentBytes, concurrency, ratePerSender: rate > 0 ? rate / groups : 0 });
  if (gen.failed) { gen.kill(); throw new Error(`${gen.failed} sockets failed to connect: ${gen.errors.join('; ')}`); }
  await sleep(200);
  const rssBefore = rssKiB(server.pid);
  const cpu0 = cpuMs(server.pid);
  const store0 = childrenCpuMs(server.storePid);
  const wait0 = runQueueWaitMs(server.pid);
  const t0 = nowMs();
  const prof = profile ? startProfile({ pid: server.pid, dir: profile, tag: `${name}-${label ?? server.kind}-${run}`, record: perfRecord && server.kind === 'chatgate' }) : null;
  const rs = await gen.go();
  const cpu1 = cpuMs(server.pid);
  const storeCpuMs = childrenCpuMs(server.storePid) - store0;
  const profiled = prof ? await prof.stop() : null;
  const wait1 = runQueueWaitMs(server.pid);
  const rssAfter = rssKiB(server.pid);
  const sum = (k) => rs.reduce((s, r) => s + r[k], 0);
  const acked = sum('acked');
  const delivered = sum('delivered');
  const sendS = Math.max(...rs.map((r) => r.sendEndMs)) / 1000;
  const elapsedS = Math.max(...rs.map((r) => r.wallMs)) / 1000;
  const serverCpuMs = cpu1 - cpu0;
  return {
    scenario: name, generator: 'native', transport: 'websocket', via: 'socket', groups, members, sockets: gen.connected, senders: groups,
    mode: `${rate > 0 ? `open loop ${rate} msg/s` : `max (window ${window}/sender)`}, native generator x${rs.length}`, durationMs, contentBytes,
    sent: sum('sent'), acked, ackFailed: sum('ackFailed'), ackTimeouts: 0,
    firstError: rs.map((r) => r.firstError).find(Boolean) ?? null,
    expectedDeliveries: acked * members, delivered,
    missing: sum('missing'), duplicates: sum('duplicates'), unexpected: sum('unexpected'),
    errorEvents: sum('errorEvents'), firstErrorEvent: null, disconnects: sum('disconnects'), firstDisconnect: null,
    elapsedS, acksPerSec: acked / sendS, deliveriesPerSec: delivered / elapsedS,
    latencyMs: summary(concat(rs.map((r) => r.latency))),
    senderDeliveryLatencyMs: summary(concat(rs.map((r) => r.senderLatency))),
    ackLatencyMs: summary(concat(rs.map((r) => r.ackLat))),
    serverCpuMs, serverCpuUtil: serverCpuMs / (elapsedS * 1000),
    serverCpuUsPerDelivery: (serverCpuMs * 1000) / Math.max(1, delivered),
    serverCpuUsPerMessage: (serverCpuMs * 1000) / Math.max(1, acked),
    storeCpuMs, storeCpuUsPerMessage: server.storePid ? (storeCpuMs * 1000) / Math.max(1, acked) : null,
    rssBeforeKiB: rssBefore, rssAfterKiB: rssAfter,
    clientCpuUtil: rs.map((r) => r.cpuUtil),
    serverRunQueueWaitMs: wait1 - wait0, loadAverage1m: os.loadavg()[0], wallFromGoS: (nowMs() - t0) / 1000,
    syscalls: profiled?.syscalls ?? null, perfData: profiled?.perfData ?? null,
    syscallsPerDelivery: profiled ? profiled.syscalls.all / Math.max(1, delivered) : null,
  };
}
