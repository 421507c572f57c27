// Plain-text tables of a scenario's figures.
const f = (v, d = 1) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(d) : String(v));
const lat = (s) => `p50 ${f(s.p50, 2)}  p95 ${f(s.p95, 2)}  p99 ${f(s.p99, 2)}  max ${f(s.max, 2)}  (n=${s.count})`;

function rows(r) {
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
    ['server RSS before / after', `${r.rssBeforeKiB} KiB / ${r.rssAfterKiB} KiB`],
    ['server waited for a CPU', `${f(r.serverRunQueueWaitMs, 0)} ms (machine load average ${f(r.loadAverage1m, 2)})`],
    ['client workers CPU', r.clientCpuUtil.map((u) => `${f(u * 100, 0)}%`).join(', ') + ' of one core each'],
  ];
}

/** Prints one scenario's result as a two-column table. */
export function printResult(r) {
  const rs = rows(r);
  const w = Math.max(...rs.map(([k]) => k.length));
  console.log(`\n== ${r.scenario} ==`);
  for (const [k, v] of rs) console.log(`${k.padEnd(w)}  ${v}`);
}
