// Start-up configuration: a bad value stops the process with one line naming the setting (exit 2);
// --dev explains how to mint a token; `chatgate token` mints one the server accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { BIN, start, SECRET } from './lib/server.mjs';
import { api } from './lib/rest.mjs';

function run(args, env = {}, ms = 5000) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { env: { PATH: process.env.PATH, HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`timeout: ${stdout}${stderr}`)); }, ms);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const bad = [
  [{ RATE_LIMIT: 'abc' }, [], 'config: RATE_LIMIT: expected N/<duration> like 30/10s, got "abc"'],
  [{ HTTP_PORT: '99999' }, [], 'config: HTTP_PORT: expected an integer from 1 to 65535, got "99999"'],
  [{ LOG_LEVEL: 'loud' }, [], 'config: LOG_LEVEL: expected trace, debug, info, warn, error or off, got "loud"'],
  [{}, ['--max-group-size', 'many'], 'config: MAX_GROUP_SIZE: expected an integer from 2 to 1000000, got "many"'],
  [{ DATABASE_URL: 'mysql://db' }, [], 'config: DATABASE_URL: expected sqlite://PATH or postgresql://..., got "mysql://db"'],
];

for (const [env, args, line] of bad) {
  test(`bad setting stops with one line: ${line.split(':')[1].trim()}`, async () => {
    const r = await run(['serve', ...args], { JWT_SECRET: SECRET, ...env });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `${line}\n`);
    assert.equal(r.stdout, '');
  });
}

test('no JWT_SECRET or JWT_PUBLIC_KEY: refuses to start unless --dev', async () => {
  const r = await run(['serve']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^config: JWT_SECRET: .*--dev/);
});

test('an unreadable JWT_PUBLIC_KEY is named', async () => {
  const r = await run(['serve'], { JWT_PUBLIC_KEY: '/nonexistent/key.pem', DATABASE_URL: 'sqlite:///tmp/chatgate-e2e-never.db' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^config: JWT_PUBLIC_KEY/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('--dev prints a secret and a token command that works as printed from the repository root', async () => {
  const root = new URL('../..', import.meta.url).pathname;
  const server = await start({ env: { JWT_SECRET: '' }, args: ['--dev'], cwd: root });
  try {
    const line = server.output().match(/mint a token with: (JWT_SECRET=([0-9a-f]+) (\S+) token --user alice --ttl 1h)\n/);
    assert.ok(line, server.output());
    // The whole printed command, through a shell, from where scripts/run.sh starts the server.
    const printed = execFileSync('sh', ['-c', line[1]], { cwd: root, env: { PATH: process.env.PATH } }).toString().trim();
    const claims = JSON.parse(Buffer.from(printed.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal((await api(server.http, printed).get('/conversations')).status, 200);
    const m = [null, line[2]];
    const t = await run(['token', '--user', 'dev-user', '--ttl', '10m'], { JWT_SECRET: m[1] });
    assert.equal(t.code, 0);
    const token = t.stdout.trim();
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(payload.sub, 'dev-user');
    assert.equal(payload.exp - payload.iat, 600);
    const r = await api(server.http, token).post('/conversations', { type: 'group', participantIds: [] });
    assert.equal(r.status, 201);
    assert.equal(r.body.createdBy, 'dev-user');
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('token without a secret is refused', async () => {
  const r = await run(['token', '--user', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^config: JWT_SECRET: /);
});

test('a port already in use is reported in one line', async () => {
  const server = await start();
  try {
    const port = new URL(server.http).port;
    const r = await run(['serve'], { JWT_SECRET: SECRET, HTTP_PORT: port, WS_PORT: port, DATABASE_URL: `sqlite://${server.dir}/other.db` });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(port));
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('LOG_FORMAT=json writes one JSON object a line', async () => {
  const server = await start({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info' } });
  await server.stop();
  const lines = server.output().trim().split('\n');
  assert.ok(lines.length >= 2, server.output());
  for (const l of lines) {
    const o = JSON.parse(l);
    assert.match(o.ts, /Z$/);
    assert.equal(typeof o.level, 'string');
    assert.equal(typeof o.msg, 'string');
  }
  server.cleanup();
});

test('REDIS_URL: rediss:// (no TLS in hiredis 0.14) is refused in one line', async () => {
  const r = await run(['serve'], { JWT_SECRET: SECRET, REDIS_URL: 'rediss://127.0.0.1:6379', DATABASE_URL: 'sqlite:///tmp/chatgate-e2e-never.db' });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'config: REDIS_URL: rediss:// (TLS) is not supported; use redis:// on a private network\n');
  assert.equal(r.stdout, '');
});

test('REDIS_URL: a Redis that is not there yet does not stop the start; /ready names redis', async () => {
  const server = await start({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  try {
    const r = await fetch(`${server.http}/ready`);
    assert.equal(r.status, 503);
    const body = await r.json();
    assert.equal(body.checks.redis, 'failing');
    assert.match(body.message, /redis/);
    assert.equal((await fetch(`${server.http}/health`)).status, 200);
  } finally { await server.stop(); server.cleanup(); }
});
