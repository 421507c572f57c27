// Connection state recovery across a two-instance cluster (contracts §7 and §8): a client whose
// instance is SIGKILLed comes back through the other one with socket.recovered === true, its
// socket id and the messages it missed; the sweep of the dead instance's sockets leaves that
// socket id alone (it is held by the live instance now), so the user stays online and nobody
// gets user:offline. Needs CHATGATE_TEST_PG_URL and CHATGATE_TEST_REDIS_URL (scripts/test.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { socketTo, waitFor, collect, closeAll } from './lib/socket.mjs';
import { PG_URL, REDIS_URL, redisClient, eventually } from './lib/redis.mjs';

const skip = PG_URL && REDIS_URL ? false : 'CHATGATE_TEST_PG_URL or CHATGATE_TEST_REDIS_URL is not set';
const run = `cr${Date.now().toString(36)}`;

test('SIGKILL of the instance: recovered through the other one, and the sweep keeps the socket', { skip, timeout: 90000 }, async () => {
  const env = { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s', RECOVERY_WINDOW_MS: '60000' };
  const [a, b] = await Promise.all([start({ env }), start({ env })]);
  const redis = await redisClient();
  const alice = `${run}-alice`, bob = `${run}-bob`;
  let sa, sb;
  try {
    const rest = api(b.http, tokenFor(alice));
    const conv = (await rest.post('/conversations', { type: 'group', name: 'r', participantIds: [bob] })).body.id;
    sa = socketTo(b.ws, { auth: { token: tokenFor(alice) } });
    await waitFor(sa, 'connected');
    const offline = collect(sa, 'user:offline');
    sb = socketTo(a.ws, { auth: { token: tokenFor(bob) } });
    await waitFor(sb, 'connected');
    const news = [];
    sb.on('message:new', (...args) => news.push(args));
    await rest.post(`/conversations/${conv}/messages`, { content: 'zero' });
    await eventually(() => news.length === 1, 5000, 'message zero on a');
    const id = sb.id;
    const dead = await redis.hGet(`ws:socket:${id}`, 'instance');
    assert.ok(dead, 'registered by instance a');
    const gone = waitFor(sb, 'disconnect');
    await a.kill();
    await gone;
    const ids = [];
    for (const content of ['one', 'two', 'three'])
      ids.push((await rest.post(`/conversations/${conv}/messages`, { content })).body.id);
    sb.io.uri = b.ws;  // the load balancer sends it to the live instance
    const again = waitFor(sb, 'connected');
    sb.connect();
    await again;
    assert.equal(sb.recovered, true);
    assert.equal(sb.id, id);
    assert.deepEqual(news.slice(1).map((x) => x[0].id), ids);
    await eventually(async () => {
      const owner = await redis.hGet(`ws:socket:${id}`, 'instance');
      return owner && owner !== dead;
    }, 5000, 'the socket registered by instance b');
    // The dead instance is swept (15-20 s after its last heartbeat); the recovered socket stays.
    await eventually(async () => (await redis.zScore('ws:instances', dead)) === null,
      40000, 'the sweep of the killed instance');
    assert.equal(await redis.sIsMember(`ws:connections:${bob}`, id), true);
    assert.equal(await redis.sIsMember('ws:online', bob), true);
    assert.equal(offline.filter((p) => p.userId === bob).length, 0);
    const pres = await api(b.http, tokenFor(alice)).post('/presence', { userIds: [bob] });
    assert.deepEqual(pres.body.online, [bob]);
  } finally {
    closeAll(sa, sb);
    await redis.quit().catch(() => {});
    for (const s of [a, b]) { await s.stop(); s.cleanup(); }
  }
});
