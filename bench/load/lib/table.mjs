// Plain-text tables of a scenario's figures.
const f = (v, d = 1) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(d) : String(v));
const lat = (s) => `p50 ${f(s.p50, 2)}  p95 ${f(s.p95, 2)}  p99 ${f(s.p99, 2)}  max ${f(s.max, 2)}  (n=${s.count})`;

function rows(r) {
  if (r.scenario === 'idle' || r.scenario === 'idle-groups') {
    return [
      ...(r.scenario === 'idle-groups' ? [['group conversations', `${r.conversations} of ${r.members} members, ${r.groupsPerUser} per user (created in ${f(r.createMs / 1000, 1)} s)`]] : []),
      ['sockets connected / requested', `${r.connected} / ${r.requested} (native generator), failed ${r.failed}${r.errors.length ? ` (${r.errors[0]})` : ''}`],
      ['connect rate', `${f(r.connectsPerSec, 0)} connects/s`],
      ['server CPU per connect', `${f(r.serverCpuMsPerConnect * 1000, 0)} us`],
      ['server RSS before / after', `${r.rssBeforeKiB} KiB / ${r.rssAfterKiB} KiB, ${r.serverFds} fds`],
      ['server RSS per idle authenticated websocket', `${f(r.rssPerConnectionKiB, 2)} KiB`],
    ];
  }
  if (r.scenario === 'loadgen-check') {
    const side = (x) => `${x.delivered} delivered of ${x.expected} expected (${x.members} members/group): missing ${x.missing}, duplicates ${x.duplicates}, unexpected ${x.unexpected}`;
    return [['messages acked', `${r.acked} (${r.groups} groups x ${r.members} members)`], ['native generator', side(r.native)], ['official client', side(r.js)], ['verdict', r.verdict]];
  }
  if (r.scenario === 'connections') {
    return [
      ['sockets connected / requested', `${r.connected} / ${r.requested} (${r.transport}), failed ${r.failed}`],
      ['connect rate', `${f(r.connectsPerSec, 0)} connects/s (${f(r.connectWallMs / 1000, 2)} s)`],
      ['connect latency ms', lat(r.connectLatencyMs)],
      ['server RSS before / after', `${r.rssBeforeKiB} KiB / ${r.rssAfterKiB} KiB (after close ${r.rssAfterCloseKiB} KiB)`],
      ['server RSS per connection', `${f(r.rssPerConnectionKiB, 1)} KiB`],
      ['server CPU per connect', `${f(r.serverCpuMsPerConnect * 1000, 0)} us`],
      ['server waited for a CPU', `${f(r.serverRunQueueWaitMs, 0)} ms while connecting (machine load average ${f(r.loadAverage1m, 2)})`],
      ['server open fds', `${r.serverFds} (after close ${r.serverFdsAfterClose})`],
      ['second round', `${r.round2Connected} connected, server RSS ${r.rssAfterRound2KiB} KiB`],
    ];
  }
  return [
    ['shape', `${r.groups} groups x ${r.members} members = ${r.sockets} sockets (${r.transport}), ${r.senders} senders, ${r.contentBytes} B content`],
    ['mode', `${r.mode} via ${r.via === 'rest' ? 'REST POST' : 'socket message:send'}, ${f(r.durationMs / 1000, 0)} s`],
    ['messages sent / acked', `${r.sent} / ${r.acked} (failed ${r.ackFailed}, ack timeouts ${r.ackTimeouts})${r.firstError ? ` first error ${r.firstError}` : ''}`],
    ['deliveries expected / received', `${r.expectedDeliveries} / ${r.delivered}: missing ${r.missing}, duplicates ${r.duplicates}, unexpected ${r.unexpected}`],
    ['error events / disconnects', `${r.errorEvents}${r.firstErrorEvent ? ` (first ${r.firstErrorEvent})` : ''} / ${r.disconnects}${r.firstDisconnect ? ` (first ${r.firstDisconnect})` : ''}`],
    ['deliveries/s', f(r.deliveriesPerSec, 0)],
    ['acks/s', f(r.acksPerSec, 0)],
    ['delivery latency ms', lat(r.latencyMs)],
    ['  at the senders\' sockets', lat(r.senderDeliveryLatencyMs)],
    ['ack latency ms', lat(r.ackLatencyMs)],
    ['server CPU', `${f(r.serverCpuMs, 0)} ms (${f(r.serverCpuUtil * 100, 0)}% of one core)`],
    ['server CPU per delivery', `${f(r.serverCpuUsPerDelivery, 2)} us (${f(r.serverCpuUsPerMessage, 0)} us per message)`],
    ...(r.storeCpuUsPerMessage != null ? [['PostgreSQL CPU (its processes)', `${f(r.storeCpuMs, 0)} ms, ${f(r.storeCpuUsPerMessage, 1)} us per message`]] : []),
    ['server RSS before / after', `${r.rssBeforeKiB} KiB / ${r.rssAfterKiB} KiB`],
    ['server waited for a CPU', `${f(r.serverRunQueueWaitMs, 0)} ms (machine load average ${f(r.loadAverage1m, 2)})`],
    ['client workers CPU', r.clientCpuUtil.map((u) => `${f(u * 100, 0)}%`).join(', ') + ' of one core each'],
    ...(r.syscalls ? [['server syscalls per delivery', `${f(r.syscallsPerDelivery, 3)} (${Object.entries(r.syscalls).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')})`]] : []),
  ];
}

/** Prints one scenario's result as a two-column table. */
export function printResult(r) {
  const rs = rows(r);
  const w = Math.max(...rs.map(([k]) => k.length));
  console.log(`\n== ${r.scenario}${r.server ? ` on ${r.server} (run ${r.run})` : ''} ==`);
  for (const [k, v] of rs) console.log(`${k.padEnd(w)}  ${v}`);
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Figures compared side by side: [label, value of one result, decimals].
const FANOUT_FIGURES = [
  ['deliveries/s', (r) => r.deliveriesPerSec, 0],
  ['acked sends/s', (r) => r.acksPerSec, 0],
  ['server CPU per delivery (us)', (r) => r.serverCpuUsPerDelivery, 2],
  ['server CPU per message (us)', (r) => r.serverCpuUsPerMessage, 1],
  ['PostgreSQL CPU per message (us)', (r) => r.storeCpuUsPerMessage, 1],
  ['deliveries per server CPU-second', (r) => r.delivered / (r.serverCpuMs / 1000), 0],
  ['server share of one core', (r) => r.serverCpuUtil, 2],
  ['delivery latency p50 (ms)', (r) => r.latencyMs.p50, 2],
  ['delivery latency p95 (ms)', (r) => r.latencyMs.p95, 2],
  ['delivery latency p99 (ms)', (r) => r.latencyMs.p99, 2],
  ['ack latency p50 (ms)', (r) => r.ackLatencyMs.p50, 2],
  ['ack latency p99 (ms)', (r) => r.ackLatencyMs.p99, 2],
  ['server syscalls per delivery', (r) => r.syscallsPerDelivery, 3],
  ['server writev+sendmsg+write per delivery', (r) => (r.syscalls ? (r.syscalls.writev + r.syscalls.sendmsg + r.syscalls.write + r.syscalls.sendto) / r.delivered : null), 3],
  ['server waited for a CPU (ms)', (r) => r.serverRunQueueWaitMs, 0],
  ['load average (1 min)', (r) => r.loadAverage1m, 2],
];
const CONNECT_FIGURES = [
  ['RSS per idle authenticated websocket (KiB)', (r) => r.rssPerConnectionKiB, 2],
  ['connects/s', (r) => r.connectsPerSec, 0],
  ['server CPU per connect (us)', (r) => r.serverCpuMsPerConnect * 1000, 0],
  ['connects per server CPU-second', (r) => 1000 / r.serverCpuMsPerConnect, 0],
  ['connect latency p50 (ms)', (r) => r.connectLatencyMs.p50, 2],
  ['connect latency p99 (ms)', (r) => r.connectLatencyMs.p99, 2],
  ['server waited for a CPU (ms)', (r) => r.serverRunQueueWaitMs, 0],
  ['load average (1 min)', (r) => r.loadAverage1m, 2],
];

/** Medians over the runs of `scenario` per server, side by side, with chatgate / node. */
export function printComparison(scenario, results, kinds) {
  if (!results.length) return;
  if (scenario === 'loadgen-check') return;
  const figures = ['connections', 'idle', 'idle-groups'].includes(results[0].scenario) ? CONNECT_FIGURES.filter(([, get]) => { try { get(results[0]); return true; } catch { return false; } }) : FANOUT_FIGURES;
  const runs = (k) => results.filter((r) => r.server === k);
  console.log(`\n== ${scenario}: medians of ${Math.max(...kinds.map((k) => runs(k).length))} run(s) ==`);
  // Each server's median over its runs, then its ratio to node's (or to the last server's).
  const base = kinds.includes('node') ? 'node' : kinds[kinds.length - 1];
  const others = kinds.filter((k) => k !== base);
  const head = ['figure', ...kinds, ...others.map((k) => `${k}/${base}`)];
  const rowsOut = figures.map(([label, get, d]) => {
    const m = Object.fromEntries(kinds.map((k) => [k, median(runs(k).map(get))]));
    const cells = kinds.map((k) => f(m[k], d));
    for (const k of others) cells.push(m[k] !== null && m[base] ? f(m[k] / m[base], 2) : '-');
    return [label, ...cells];
  });
  const widths = head.map((_, i) => Math.max(...[head, ...rowsOut].map((row) => String(row[i]).length)));
  for (const row of [head, ...rowsOut]) console.log(row.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  '));
}
