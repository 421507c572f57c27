// `idle`: --connections authenticated websockets held by the native generator (bench/loadgen,
// spread over --procs processes, so that each stays under the per-process open-file limit), none
// sending: the server's RSS per idle authenticated websocket at sizes the JS client cannot reach
// cheaply (e.g. 15,000). A socket counts once the gateway's `connected` event has arrived.
import os from 'node:os';
import { rssKiB, cpuMs, fdCount } from '../lib/proc.mjs';
import { sleep, token } from '../lib/clients.mjs';
import { startNative } from '../lib/native.mjs';

/// Connects one native socket per entry of `groups` and measures the server: connect CPU and
/// wall time, RSS before and after, open descriptors. Shared by `idle` and `idle-groups`.
export async function measureIdleConnects({ server, groups, procs, loadgen, concurrency }) {
  await sleep(300);
  const rssBefore = rssKiB(server.pid);
  const cpuBefore = cpuMs(server.pid);
  const started = Date.now();
  const gen = await startNative({ bin: loadgen, server, groups, procs, window: 0, durationMs: 0, contentBytes: 1, concurrency });
  const wallMs = Date.now() - started;
  const cpuConnect = cpuMs(server.pid) - cpuBefore;
  await sleep(1000);  // let the allocator settle before reading RSS
  const rssAfter = rssKiB(server.pid);
  const fds = fdCount(server.pid);
  gen.kill();
  return {
    connected: gen.connected, failed: gen.failed, errors: gen.errors,
    connectWallMs: wallMs, connectsPerSec: gen.connected / (wallMs / 1000), serverCpuMsPerConnect: cpuConnect / Math.max(1, gen.connected),
    rssBeforeKiB: rssBefore, rssAfterKiB: rssAfter, serverFds: fds,
    rssPerConnectionKiB: (rssAfter - rssBefore) / Math.max(1, gen.connected), loadAverage1m: os.loadavg()[0],
  };
}

export async function idleNative({ server, n, procs, loadgen, concurrency }) {
  // One "group" per user with no conversation: placement only (nothing is sent).
  const groups = Array.from({ length: n }, (_, i) => ({ conv: '', members: [{ token: token(`idle-${i}`), sender: false }] }));
  const measured = await measureIdleConnects({ server, groups, procs, loadgen, concurrency });
  return { scenario: 'idle', generator: 'native', requested: n, ...measured };
}
