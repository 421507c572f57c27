// Contract §9, expiry on live sockets: a socket's token reaching `exp` gets `error`
// TOKEN_EXPIRED then a server disconnect; `auth:refresh` with a valid token of the same user moves
// the deadline; another user's token or an invalid one is UNAUTHORIZED and changes nothing.
// Both transports. Tokens live 2 s (whole seconds: `exp` is a NumericDate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor, sign } from './lib/token.mjs';
import { connectAs, waitFor, ask, collect, closeAll } from './lib/socket.mjs';
import { REDIS_URL, PG_URL, redisClient, eventually } from './lib/redis.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const transports of [['websocket'], ['polling']]) {
  const t = transports[0];

  test(`${t}: an expired token gets TOKEN_EXPIRED then a server disconnect`, async () => {
    const server = await start();
    try {
      const { socket } = await connectAs(server.ws, tokenFor(`exp-${t}`, { ttlSec: 2 }), { transports });
      const errors = collect(socket, 'error');
      const reason = await waitFor(socket, 'disconnect', { ms: 5000 });
      assert.equal(reason, 'io server disconnect');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].code, 'TOKEN_EXPIRED');
      assert.equal(typeof errors[0].message, 'string');
      assert.ok(errors[0].timestamp);
      // The user is offline: the connection map let go of the socket.
      const online = await api(server.http, tokenFor('watcher')).post('/presence', { userIds: [`exp-${t}`] });
      assert.deepEqual(online.body.online, []);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });

  test(`${t}: auth:refresh with the same user's token keeps the socket past the first exp`, async () => {
    const server = await start();
    try {
      const user = `refresh-${t}`;
      const { socket } = await connectAs(server.ws, tokenFor(user, { ttlSec: 2 }), { transports });
      const errors = collect(socket, 'error');
      const ack = await ask(socket, 'auth:refresh', { token: tokenFor(user, { ttlSec: 3600 }) });
      assert.equal(ack.success, true);
      assert.ok(Math.abs(Date.parse(ack.expiresAt) - (Date.now() + 3600_000)) < 5000, ack.expiresAt);
      await sleep(3200);
      assert.equal(socket.connected, true);
      assert.deepEqual(errors, []);
      assert.equal((await ask(socket, 'ping', {})).event, 'pong');
      // A second refresh to a short token: the deadline moves back in, and is kept.
      const short = await ask(socket, 'auth:refresh', { token: tokenFor(user, { ttlSec: 2 }) });
      assert.equal(short.success, true);
      const reason = await waitFor(socket, 'disconnect', { ms: 5000 });
      assert.equal(reason, 'io server disconnect');
      assert.equal(errors.at(-1).code, 'TOKEN_EXPIRED');
    } finally {
      await server.stop();
      server.cleanup();
    }
  });

  test(`${t}: refresh with another user's token or a forged one is UNAUTHORIZED and changes nothing`, async () => {
    const server = await start();
    try {
      const user = `victim-${t}`;
      const { socket } = await connectAs(server.ws, tokenFor(user, { ttlSec: 2 }), { transports });
      const errors = collect(socket, 'error');
      const other = await ask(socket, 'auth:refresh', { token: tokenFor('mallory', { ttlSec: 3600 }) });
      assert.equal(other.success, false);
      assert.equal(other.error.code, 'UNAUTHORIZED');
      const forged = await ask(socket, 'auth:refresh', { token: tokenFor(user, { ttlSec: 3600, secret: 'not-the-server-secret-0123456789ab' }) });
      assert.equal(forged.error.code, 'UNAUTHORIZED');
      const none = await ask(socket, 'auth:refresh', { token: sign({ sub: user, exp: Math.floor(Date.now() / 1000) + 3600 }, { alg: 'none' }) });
      assert.equal(none.error.code, 'UNAUTHORIZED');
      const expired = await ask(socket, 'auth:refresh', { token: tokenFor(user, { ttlSec: -10 }) });
      assert.equal(expired.error.code, 'UNAUTHORIZED');
      assert.deepEqual(errors.map((e) => e.code), ['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED']);
      // Nothing changed: the first token's exp still ends the socket, and mallory joined nothing.
      const reason = await waitFor(socket, 'disconnect', { ms: 5000 });
      assert.equal(reason, 'io server disconnect');
      assert.equal(errors.at(-1).code, 'TOKEN_EXPIRED');
      const online = await api(server.http, tokenFor('watcher')).post('/presence', { userIds: [user, 'mallory'] });
      assert.deepEqual(online.body.online, []);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
}

test('a token without exp arms no timer; its socket stays', async () => {
  const server = await start();
  try {
    const { socket } = await connectAs(server.ws, sign({ sub: 'forever' }), { transports: ['websocket'] });
    await sleep(1500);
    assert.equal(socket.connected, true);
    closeAll(socket);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

// With the Redis connection map (REDIS_URL, two instances): the expired socket leaves the shared
// map, so the other instance sees the user offline; a refresh keeps the user online on both.
const redisSkip = REDIS_URL && PG_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';

test('with the Redis connection map: expiry and refresh across two instances', { skip: redisSkip }, async () => {
  const env = { DATABASE_URL: PG_URL, REDIS_URL };
  const [a, b] = await Promise.all([start({ env }), start({ env })]);
  const redis = await redisClient();
  const run = `x${Date.now().toString(36)}`;
  try {
    const leaving = `${run}-leaving`, staying = `${run}-staying`;
    const one = await connectAs(a.ws, tokenFor(leaving, { ttlSec: 2 }), { transports: ['websocket'] });
    const two = await connectAs(a.ws, tokenFor(staying, { ttlSec: 2 }), { transports: ['polling'] });
    const errors = collect(one.socket, 'error');
    const refreshed = await ask(two.socket, 'auth:refresh', { token: tokenFor(staying, { ttlSec: 3600 }) });
    assert.equal(refreshed.success, true);
    const seenOnB = async () => (await api(b.http, tokenFor('watcher')).post('/presence', { userIds: [leaving, staying] })).body.online.sort();
    assert.deepEqual(await seenOnB(), [leaving, staying].sort());
    assert.equal(await redis.sCard(`ws:connections:${leaving}`), 1);
    assert.equal(await waitFor(one.socket, 'disconnect', { ms: 5000 }), 'io server disconnect');
    assert.equal(errors.at(-1).code, 'TOKEN_EXPIRED');
    await eventually(async () => (await redis.sCard(`ws:connections:${leaving}`)) === 0, 5000, 'the expired socket left ws:connections');
    assert.deepEqual(await seenOnB(), [staying]);
    assert.equal(await redis.exists(`ws:socket:${one.connected.socketId}`), 0);
    assert.equal(two.socket.connected, true);
    two.socket.close();
  } finally {
    await redis.quit();
    for (const s of [a, b]) { await s.stop(); s.cleanup(); }
  }
});
