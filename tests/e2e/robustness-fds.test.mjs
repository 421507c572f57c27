// Out of file descriptors: a connection flood past the process's descriptor limit must not make
// the single io thread spin on failing accepts (it used to retry at once, 100% CPU), and the
// server serves again as soon as descriptors are free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { BIN, SECRET, freePort } from './lib/server.mjs';

/** CPU time (user + system, in clock ticks) the process has used so far. */
function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
async function healthy(url, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`${url} not healthy`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a connection flood past the descriptor limit neither spins the server nor stops it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-fds-'));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH, HOST: '127.0.0.1', HTTP_PORT: String(port), WS_PORT: String(port),
    DATABASE_URL: `sqlite://${join(dir, 'db.sqlite')}`, JWT_SECRET: SECRET, LOG_LEVEL: 'warn',
  };
  const proc = spawn('sh', ['-c', 'ulimit -n 64 && exec "$0" serve', BIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  const flood = [];
  try {
    await healthy(`http://127.0.0.1:${port}/health`);
    if (/lib(asan|ubsan|tsan)/.test(readFileSync(`/proc/${proc.pid}/maps`, 'utf8'))) {
      // UBSan's vptr check opens a pipe to probe memory: with no descriptor left it reports a
      // false "invalid vptr" and aborts. Only an unsanitized build can run this.
      t.skip('sanitizer runtimes need file descriptors themselves');
      return;
    }
    for (let i = 0; i < 100; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      flood.push(s);
    }
    await Promise.all(flood.map((s) => new Promise((r) => { s.once('connect', r); s.once('error', r); })));
    await new Promise((r) => setTimeout(r, 200)); // the server has used up its descriptors by now
    const before = cpuTicks(proc.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const used = cpuTicks(proc.pid) - before; // clock ticks are 1/100 s
    assert.ok(used < 30, `server used ${used}% CPU while out of descriptors`);
    assert.match(output, /accept failed/);
    for (const s of flood) s.destroy();
    await healthy(`http://127.0.0.1:${port}/health`);
    proc.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null }, output);
  } finally {
    for (const s of flood) s.destroy();
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
