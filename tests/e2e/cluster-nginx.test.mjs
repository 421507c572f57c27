// Two chatgate instances behind nginx (Debian package nginx-light, started by scripts/nginx.sh with
// deploy/nginx/chatgate.conf.template), sharing Redis and PostgreSQL: both transports and the
// polling -> websocket upgrade through the proxy (stickiness by client address), and delivery
// between clients that nginx sent to different instances. Clients pick different loopback source
// addresses (127.0.0.x) so that the address hash spreads them. Needs CHATGATE_TEST_REDIS_URL,
// CHATGATE_TEST_PG_URL and nginx; skipped without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, freePort } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, waitFor, ask, closeAll } from './lib/socket.mjs';
import { REDIS_URL, PG_URL, redisClient } from './lib/redis.mjs';

const script = new URL('../../scripts/nginx.sh', import.meta.url).pathname;
const hasNginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].some(existsSync);
const skip = !(REDIS_URL && PG_URL) ? 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set'
  : !hasNginx ? 'nginx is not installed (scripts/install-deps.sh installs nginx-light)' : false;
const run = `ng${Date.now().toString(36)}`;
let n = 0;
const user = (name) => `${run}-${name}${++n}`;
let a, b, dir, lb, redis;

before(async () => {
  if (skip) return;
  const env = { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s' };
  [a, b] = await Promise.all([start({ env, samePort: true }), start({ env, samePort: true })]);
  dir = mkdtempSync(join(tmpdir(), 'chatgate-e2e-nginx-'));
  const port = await freePort();
  lb = execFileSync('bash', [script, 'start', dir, String(port), a.http.replace('http://', ''),
    b.http.replace('http://', '')]).toString().trim();
  redis = await redisClient();
});

after(async () => {
  await redis?.quit();
  if (dir) execFileSync('bash', [script, 'stop', dir]);
  for (const s of [a, b]) if (s) { await s.stop(); s.cleanup(); }
});

/** Connects `id` through nginx from source address 127.0.0.`host`; resolves with the instance. */
async function viaNginx(id, host, transports) {
  const agent = new Agent({ localAddress: `127.0.0.${host}`, keepAlive: true });
  const { socket, connected } = await connectAs(lb, tokenFor(id), { agent, ...(transports ? { transports } : {}) });
  const instance = await redis.hGet(`ws:socket:${connected.socketId}`, 'instance');
  return { socket, instance };
}

/** Two users connected through nginx to two different instances. */
async function spread(transports) {
  const first = user('p'), second = user('q');
  const one = await viaNginx(first, 2, transports);
  for (let host = 3; host < 40; host++) {
    const other = await viaNginx(second, host, transports);
    if (other.instance !== one.instance) return { users: [first, second], sockets: [one.socket, other.socket] };
    other.socket.close();
  }
  one.socket.close();
  throw new Error('every source address hashed to the same instance');
}

for (const transports of [['websocket'], ['polling'], undefined]) {
  const name = transports ? transports[0] : 'polling upgraded to websocket';
  test(`through nginx over ${name}: clients on different instances talk (seed test 18)`, { skip }, async () => {
    const { users: [p, q], sockets: [sp, sq] } = await spread(transports);
    try {
      const created = waitFor(sq, 'conversation:new');
      const conv = await api(lb, tokenFor(p)).post('/conversations', { type: 'group', participantIds: [q] });
      assert.equal(conv.status, 201, JSON.stringify(conv.body));
      assert.equal((await created).id, conv.body.id);
      const got = waitFor(sq, 'message:new');
      const ack = await ask(sp, 'message:send', { conversationId: conv.body.id, content: name });
      assert.equal(ack.success, true, JSON.stringify(ack));
      assert.equal((await got).id, ack.message.id);
      const back = waitFor(sp, 'message:new');
      await ask(sq, 'message:send', { conversationId: conv.body.id, content: 'back' });
      assert.equal((await back).content, 'back');
      if (!transports) {  // the default client upgraded through the proxy
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(sp.io.engine.transport.name, 'websocket');
      }
      const online = await api(lb, tokenFor(p)).post('/presence', { userIds: [p, q] });
      assert.deepEqual(online.body.online.sort(), [p, q].sort());
    } finally { closeAll(sp, sq); }
  });
}

test('rolling restart through nginx: SIGTERM closes at the transport level, the client moves on by itself', { skip }, async () => {
  const rita = user('rita');
  const agent = new Agent({ localAddress: '127.0.0.2', keepAlive: true });
  const { socket, connected } = await connectAs(lb, tokenFor(rita), { agent, reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  try {
    const before = await redis.hGet(`ws:socket:${connected.socketId}`, 'instance');
    const probe = await connectAs(a.ws, tokenFor(user('probe')));
    const aInstance = await redis.hGet(`ws:socket:${probe.connected.socketId}`, 'instance');
    probe.socket.close();
    const [stopping, staying] = before === aInstance ? [a, b] : [b, a];
    const reason = waitFor(socket, 'disconnect');
    const again = waitFor(socket, 'connected', { ms: 8000 });
    const status = await stopping.stop();
    assert.equal(status.code, 0);
    assert.equal(await reason, 'transport close');  // not a namespace disconnect: it reconnects
    const re = await again;
    assert.equal(re.userId, rita);
    assert.notEqual(await redis.hGet(`ws:socket:${re.socketId}`, 'instance'), before);
    const r = await fetch(`${staying.http}/ready`);
    assert.equal(r.status, 200);
  } finally { closeAll(socket); }
});
