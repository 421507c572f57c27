// `connections`: N sockets, each its own user, until every one has had the gateway's `connected`
// event; the server's RSS before and after gives memory per connection.
import os from 'node:os';
import { rssKiB, cpuMs, fdCount, runQueueWaitMs } from '../lib/proc.mjs';
import { place, connectAll, sleep } from '../lib/clients.mjs';
import { concat, summary } from '../lib/stats.mjs';

export async function connections({ server, pool, n, transport, concurrency }) {
  const specs = Array.from({ length: n }, (_, i) => ({ user: `conn-${i}`, convs: [] }));
  const { perWorker } = place(specs, pool.size);
  await sleep(300);
  const rssBefore = rssKiB(server.pid);
  const cpuBefore = cpuMs(server.pid);
  const waitBefore = runQueueWaitMs(server.pid);
  const c = await connectAll(pool, server.ws, perWorker, { transport, concurrency, allowFailures: true });
  const cpuConnect = cpuMs(server.pid) - cpuBefore;
  const waitConnect = runQueueWaitMs(server.pid) - waitBefore;
  const load = os.loadavg()[0];
  await sleep(1000);  // let the allocator settle before reading RSS
  const rssAfter = rssKiB(server.pid);
  const fds = fdCount(server.pid);
  await pool.all('close');
  await sleep(1500);
  const rssClosed = rssKiB(server.pid);
  const fdsClosed = fdCount(server.pid);
  // A second round on the same server: RSS that keeps growing round after round is a leak, RSS
  // that stays is the allocator keeping freed pages.
  const again = await connectAll(pool, server.ws, perWorker, { transport, concurrency, allowFailures: true });
  await sleep(1000);
  const rssRound2 = rssKiB(server.pid);
  await pool.all('close');
  const lat = summary(concat(c.results.map((r) => r.connectMs)));
  return {
    scenario: 'connections', transport, requested: n, connected: c.connected, failed: c.failed, errors: c.errors,
    connectWallMs: c.wallMs, connectsPerSec: c.connected / (c.wallMs / 1000),
    connectLatencyMs: lat, serverCpuMsPerConnect: cpuConnect / Math.max(1, c.connected),
    serverRunQueueWaitMs: waitConnect, loadAverage1m: load,
    serverFds: fds, rssBeforeKiB: rssBefore, rssAfterKiB: rssAfter, rssAfterCloseKiB: rssClosed,
    serverFdsAfterClose: fdsClosed, round2Connected: again.connected, rssAfterRound2KiB: rssRound2,
    rssPerConnectionKiB: (rssAfter - rssBefore) / Math.max(1, c.connected),
  };
}
