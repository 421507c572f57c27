// Starts the real `chatgate serve` (release build) on loopback with free ports, a temporary SQLite
// file and a rate limit high enough to never trigger, waits for /health, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The same port and health helpers as the end-to-end tests (plain node, no dependencies).
import { freePort, waitHealthy } from '../../../tests/e2e/lib/server.mjs';

export const DEFAULT_BIN = new URL('../../../build/release/apps/chatgate/chatgate', import.meta.url).pathname;
export const SECRET = 'bench-secret-0123456789abcdef0123456789';
export const REFERENCE = new URL('../../reference/server.mjs', import.meta.url).pathname;

/**
 * startServer({ kind, bin, env, dbDir }): kind 'chatgate' (the real binary) or 'node' (the socket.io
 * 4.8 reference server, bench/reference/server.mjs, in memory, REST and websocket on one port).
 */
export async function startServer(opts = {}) {
  return opts.kind === 'node' ? startReference(opts) : startChatgate(opts);
}

async function startReference({ env = {} } = {}) {
  const port = await freePort();
  const fullEnv = { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), JWT_SECRET: SECRET, ...env };
  // node itself (not npm) so that pid is the server's process.
  return supervise(spawn(process.execPath, [REFERENCE], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] }),
    { http: `http://127.0.0.1:${port}`, ws: `http://127.0.0.1:${port}`, kind: 'node', cleanup: () => {} });
}

/** -> { http, ws, pid, dbPath, stop() }; the database lives in a new folder under dbDir. */
async function startChatgate({ bin = DEFAULT_BIN, env = {}, dbDir = tmpdir() } = {}) {
  const dir = mkdtempSync(join(dbDir, 'chatgate-bench-'));
  const httpPort = await freePort();
  const wsPort = await freePort();
  const fullEnv = {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    WS_PORT: String(wsPort),
    DATABASE_URL: `sqlite://${join(dir, 'chatgate.db')}`,
    JWT_SECRET: SECRET,
    RATE_LIMIT: '1000000/1s',
    // Every simulated client comes from 127.0.0.1: the per-address flood limits are off.
    CONNECT_RATE_LIMIT: '0/1s',
    MAX_UNAUTHENTICATED_SESSIONS: '0',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const proc = spawn(bin, ['serve'], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return supervise(proc, { http: `http://127.0.0.1:${httpPort}`, ws: `http://127.0.0.1:${wsPort}`, kind: 'chatgate', dbPath: fullEnv.DATABASE_URL,
    cleanup: () => rmSync(dir, { recursive: true, force: true }) });
}

/** Waits for /health of the spawned server `proc`; returns its handle with stop(). */
async function supervise(proc, { http, ws, kind, dbPath, cleanup }) {
  let output = '';
  // Keep only the tail: a long run must not grow the generator's memory.
  const keep = (d) => { output = (output + d).slice(-20000); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await waitHealthy(`${http}/health`, proc, 15000);
  } catch (e) {
    proc.kill('SIGKILL');
    cleanup();
    throw new Error(`${e.message}\n--- chatgate output ---\n${output}`);
  }
  return {
    http,
    ws,
    kind,
    pid: proc.pid,
    dbPath,
    output: () => output,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const status = await exited;
      clearTimeout(timer);
      cleanup();
      return status;
    },
  };
}
