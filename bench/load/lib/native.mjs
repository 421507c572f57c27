// Drives the native load generator (bench/loadgen, build target chatgate_loadgen): one process per
// share of the groups (a group's members stay in one process, which checks exactly-once for them).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const DEFAULT_LOADGEN = new URL('../../../build/release/bench/chatgate_loadgen', import.meta.url).pathname;

const floats = (path) => {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};

/** One generator process: resolves `ready` with its connect report; `go()` resolves with its result. */
function startOne(bin, spec, dir, i) {
  const specPath = join(dir, `spec-${i}.json`);
  writeFileSync(specPath, JSON.stringify({ ...spec, latencyFile: join(dir, `lat-${i}`) }));
  const child = spawn(bin, [specPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  let onReady, onResult, onFail, onResultFail;
  const ready = new Promise((res, rej) => { onReady = res; onFail = rej; });
  // 'close' (not 'exit'): it comes after the last line of its stdout has been read.
  const result = new Promise((res, rej) => { onResult = res; onResultFail = rej; child.on('close', (code) => rej(new Error(`loadgen ${i} exited with ${code} without a result`))); });
  result.catch(() => {});
  child.on('close', (code) => onFail(new Error(`loadgen ${i} exited with ${code} before ready`)));
  lines.on('line', (line) => {
    if (line.startsWith('ready ')) onReady(JSON.parse(line.slice(6)));
    else if (line.startsWith('result ')) {
      const r = JSON.parse(line.slice(7));
      const base = join(dir, `lat-${i}`);
      try {
        onResult({ ...r, latency: floats(`${base}.lat`), senderLatency: floats(`${base}.sender`), ackLat: floats(`${base}.ack`) });
      } catch (e) { onResultFail(e); }
    }
  });
  return { ready, go: () => { child.stdin.write('go\n'); return result; }, kill: () => child.kill('SIGKILL') };
}

/**
 * Starts `procs` generators for `groups` ([{ conv, members: [{ token, sender }] }]) against
 * server.ws; resolves once every socket is connected with { connected, failed, errors, go() }.
 */
export async function startNative({ bin = DEFAULT_LOADGEN, server, groups, procs, window, durationMs, contentBytes, concurrency, reportSeqs = false, ratePerSender = 0 }) {
  if (!existsSync(bin)) throw new Error(`no load generator at ${bin} (cmake --build --preset release --target chatgate_loadgen)`);
  const url = new URL(server.ws);
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-loadgen-'));
  const content = 'bench '.padEnd(contentBytes, 'x');
  const shares = Array.from({ length: procs }, () => []);
  // Open loop: the groups' senders take turns, one message every 1000 / (rate per sender x groups)
  // ms over all of them (as the official-client generator does), never all in the same millisecond.
  const turnMs = ratePerSender > 0 ? 1000 / (ratePerSender * groups.length) : 0;
  groups.forEach((g, i) => shares[i % procs].push(...g.members.map((m) => ({ token: m.token, conv: g.conv, sender: m.sender, phaseMs: i * turnMs }))));
  const gens = shares.filter((s) => s.length).map((clients, i) => startOne(bin, { host: url.hostname, port: Number(url.port), durationMs, window, content, concurrency, clients, reportSeqs, rate: ratePerSender }, dir, i));
  try {
    const ready = await Promise.all(gens.map((g) => g.ready));
    return {
      connected: ready.reduce((s, r) => s + r.connected, 0),
      failed: ready.reduce((s, r) => s + r.failed, 0),
      errors: ready.flatMap((r) => r.errors),
      go: async () => { try { return await Promise.all(gens.map((g) => g.go())); } finally { rmSync(dir, { recursive: true, force: true }); } },
      kill: () => { for (const g of gens) g.kill(); rmSync(dir, { recursive: true, force: true }); },
    };
  } catch (e) {
    for (const g of gens) g.kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
