// SIGKILL of an instance mid-traffic, end to end through nginx (issue 8, contract §7): two
// instances behind nginx (scripts/nginx.sh, deploy/nginx) sharing Redis and PostgreSQL; clients
// of the official socket.io-client with automatic reconnection send with acks all along; one
// instance is SIGKILLed while they do. Shown: the clients of the killed instance reconnect by
// themselves through nginx to the survivor and go on; `messages:sync` returns every acked message
// exactly once (none lost, none stored twice); within 30 s the killed instance's sockets leave the
// connection map, `user:offline` comes for the user who did not come back and for no one who did.
// Needs CHATGATE_TEST_REDIS_URL, CHATGATE_TEST_PG_URL and nginx; skipped without them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, freePort } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, waitFor, ask, collect, closeAll } from './lib/socket.mjs';
import { REDIS_URL, PG_URL, redisClient, eventually } from './lib/redis.mjs';

const script = new URL('../../scripts/nginx.sh', import.meta.url).pathname;
const hasNginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].some(existsSync);
const skip = !(REDIS_URL && PG_URL) ? 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set'
  : !hasNginx ? 'nginx is not installed (scripts/install-deps.sh installs nginx-light)' : false;
const run = `sk${Date.now().toString(36)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sends `content` with an ack; resolves with the stored message id, or null if not acked. */
async function trySend(socket, conversationId, content) {
  try {
    const r = await ask(socket, 'message:send', { conversationId, content }, 3000);
    return r.success ? r.message.id : null;
  } catch { return null; }  // no ack (the instance died under it): not acknowledged
}

test('SIGKILL mid-traffic through nginx: clients reconnect to the survivor, sync returns every acked message once, no ghosts', { skip, timeout: 90000 }, async () => {
  const env = { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s' };
  const servers = await Promise.all([start({ env, samePort: true }), start({ env, samePort: true })]);
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-e2e-sigkill-'));
  const lb = execFileSync('bash', [script, 'start', dir, String(await freePort()),
    ...servers.map((s) => s.http.replace('http://', ''))]).toString().trim();
  const redis = await redisClient();
  const sockets = [];
  const instanceOf = (sid) => redis.hGet(`ws:socket:${sid}`, 'instance');
  try {
    // Which instance id each server has: a probe socket straight to it.
    const ids = [];
    for (const s of servers) {
      const p = await connectAs(s.ws, tokenFor(`${run}-probe`));
      ids.push(await instanceOf(p.connected.socketId));
      p.socket.close();
    }
    // At least five senders through nginx from different source addresses (until both instances
    // hold some), with automatic reconnection.
    const senders = [];
    const spread = () => new Set(senders.map((s) => s.instance)).size === 2;
    for (let host = 2; (senders.length < 5 || !spread()) && host < 60; host++) {
      const id = `${run}-u${host}`;
      const agent = new Agent({ localAddress: `127.0.0.${host}`, keepAlive: true });
      const c = await connectAs(lb, tokenFor(id), { agent, reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
      sockets.push(c.socket);
      senders.push({ id, socket: c.socket, instance: await instanceOf(c.connected.socketId), sid: c.connected.socketId });
    }
    const victim = senders.find((s) => s.instance === ids[0]) ? 0 : 1;
    const [dead, alive] = [servers[victim], servers[1 - victim]];
    const onDead = senders.filter((s) => s.instance === ids[victim]);
    assert.ok(onDead.length > 0 && onDead.length < senders.length,
      `nginx spread the senders over both instances (${senders.map((s) => s.instance).join(', ')})`);
    // A user whose only socket is on the killed instance and who does not come back, and an
    // observer on the survivor who watches presence.
    const ghost = `${run}-ghost`, watcher = `${run}-watch`;
    const everyone = [...senders.map((s) => s.id), ghost];
    const conv = (await api(alive.http, tokenFor(watcher)).post('/conversations',
      { type: 'group', participantIds: everyone })).body;
    assert.ok(conv.id, JSON.stringify(conv));
    const g = await connectAs(dead.ws, tokenFor(ghost));
    const w = await connectAs(alive.ws, tokenFor(watcher));
    sockets.push(g.socket, w.socket);
    const offline = collect(w.socket, 'user:offline');

    // Traffic: every sender sends one after another, acked or not, until told to stop.
    const acked = new Map();  // id -> content
    let sent = 0, stop = false;
    const loops = senders.map(async (s) => {
      for (let i = 0; !stop; i++) {
        const content = `${s.id}#${i}`;
        sent++;
        const id = await trySend(s.socket, conv.id, content);
        if (id) acked.set(id, content);
        await sleep(20);
      }
    });
    await eventually(() => acked.size >= 40, 10000, '40 acked sends before the kill');
    const reconnected = onDead.map((s) => waitFor(s.socket, 'connected', { ms: 15000 }));
    const killedAt = Date.now();
    const ackedBeforeKill = acked.size;
    await dead.kill();
    const again = await Promise.all(reconnected);
    for (const [i, c] of again.entries()) {
      assert.equal(c.userId, onDead[i].id);
      assert.equal(await instanceOf(c.socketId), ids[1 - victim], 'reconnected through nginx to the survivor');
      onDead[i].newSid = c.socketId;
    }
    const reconnectMs = Date.now() - killedAt;
    const ackedAtReconnect = acked.size;
    await eventually(() => acked.size >= ackedAtReconnect + 40, 15000, '40 acked sends after the reconnect');
    stop = true;
    await Promise.all(loops);

    // Every acked message once in messages:sync, from every sender's point of view.
    for (const s of senders) {
      const r = await ask(s.socket, 'messages:sync', { conversationId: conv.id, limit: 1000 });
      assert.equal(r.success, true, JSON.stringify(r));
      assert.equal(r.hasMore, false);
      const ids = r.messages.map((m) => m.id);
      const contents = r.messages.map((m) => m.content);
      assert.equal(new Set(ids).size, ids.length, 'no message twice');
      assert.equal(new Set(contents).size, contents.length, 'no send stored twice');
      const seqs = r.messages.map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
      const got = new Map(r.messages.map((m) => [m.id, m.content]));
      for (const [id, content] of acked) assert.equal(got.get(id), content, `acked ${content} missing`);
    }

    // No ghosts: within 30 s of the kill the dead instance's sockets are gone from the map.
    const left = await waitFor(w.socket, 'user:offline', {
      ms: 30000 - (Date.now() - killedAt), filter: (p) => p.userId === ghost });
    const sweptMs = Date.now() - killedAt;
    assert.equal(left.conversationId, conv.id);
    assert.equal(await redis.sIsMember('ws:online', ghost), false);
    assert.equal(await redis.exists(`ws:socket:${g.connected.socketId}`), 0);
    for (const s of onDead) {
      assert.equal(await redis.exists(`ws:socket:${s.sid}`), 0, 'the dead socket is swept');
      assert.deepEqual(await redis.sMembers(`ws:connections:${s.id}`), [s.newSid]);
    }
    for (const s of senders) assert.equal(await redis.sIsMember('ws:online', s.id), true);
    assert.deepEqual(offline.map((p) => p.userId).filter((u) => u !== ghost), [],
      'no user:offline for users who reconnected');
    const pres = await api(alive.http, tokenFor(watcher)).post('/presence', { userIds: everyone });
    assert.deepEqual(pres.body.online.sort(), senders.map((s) => s.id).sort());
    console.log(`# ${sent} sends, ${acked.size} acked (${ackedBeforeKill} before the kill), ` +
      `${onDead.length}/${senders.length} senders reconnected in ${reconnectMs} ms, swept in ${sweptMs} ms`);
  } finally {
    closeAll(sockets);
    await redis.quit().catch(() => {});
    execFileSync('bash', [script, 'stop', dir]);
    for (const s of servers) { await s.stop(); s.cleanup(); }
  }
});
