// Starts the real chatgate binary on loopback with free ports and a temporary SQLite file,
// waits until /health answers, and stops it (SIGTERM, then SIGKILL) when asked.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const BIN = process.env.CHATGATE_BIN ?? new URL('../../../build/dev/apps/chatgate/chatgate', import.meta.url).pathname;
export const SECRET = 'e2e-secret-0123456789abcdef0123456789';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** Resolves once `url` answers 2xx; throws if `proc` exits first or `ms` pass. */
export async function waitHealthy(url, proc, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`chatgate exited with ${proc.exitCode}`);
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`chatgate not healthy at ${url}`);
}

/**
 * start({ env, dbPath, samePort, httpPort, wsPort, args, cwd }) -> { http, ws, env, dbPath, proc, stop(), kill() }
 * `http` is the REST base URL, `ws` the Socket.IO base URL.
 */
export async function start(opts = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'chatgate-e2e-'));
  const dbPath = opts.dbPath ?? join(dir, 'chatgate.db');
  const httpPort = opts.httpPort ?? await freePort();  // given ports: a restart on the same ones
  const wsPort = opts.wsPort ?? (opts.samePort ? httpPort : await freePort());
  const env = {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    WS_PORT: String(wsPort),
    DATABASE_URL: `sqlite://${dbPath}`,
    JWT_SECRET: SECRET,
    LOG_LEVEL: process.env.CHATGATE_LOG_LEVEL ?? 'warn',
    // CHATGATE_TEST_IO_THREADS=N (scripts/test.sh's second pass): every server started here runs
    // that many io threads, unless a test sets IO_THREADS itself (unset: one per core).
    ...(process.env.CHATGATE_TEST_IO_THREADS ? { IO_THREADS: process.env.CHATGATE_TEST_IO_THREADS } : {}),
    // Sanitizer builds: e.g. ASAN_OPTIONS=log_path=/tmp/asan to collect reports from every run.
    ...Object.fromEntries(['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS', 'TSAN_OPTIONS']
      .filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    ...opts.env,
  };
  const proc = spawn(BIN, ['serve', ...(opts.args ?? [])], { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const http = `http://127.0.0.1:${httpPort}`;
  const ws = `http://127.0.0.1:${wsPort}`;
  try {
    await waitHealthy(`${http}/health`, proc);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n--- chatgate output ---\n${output}`);
  }
  return {
    http, ws, env, dbPath, dir, proc, exited,
    output: () => output,
    /** Graceful stop; resolves with the exit status. */
    async stop() { if (proc.exitCode === null) proc.kill('SIGTERM'); return exited; },
    /** SIGKILL, as a crash would. */
    async kill() { if (proc.exitCode === null) proc.kill('SIGKILL'); return exited; },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}
