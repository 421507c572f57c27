#!/usr/bin/env node
// Hand demo of the chat gateway with the official socket.io-client: alice and bob connect,
// alice creates a group over REST, they chat over Socket.IO (send, edit, ping), bob drops,
// alice sends while he is away, and bob catches up with messages:sync.
//
//   JWT_SECRET=change-me scripts/run.sh            # or any running chatgate
//   JWT_SECRET=change-me node scripts/demo.mjs     # in another terminal
//
// Settings (environment): CHATGATE_HTTP (default http://127.0.0.1:4000), CHATGATE_WS (default
// http://127.0.0.1:4001), and either ALICE_TOKEN + BOB_TOKEN, or JWT_SECRET to mint them with
// `chatgate token` (CHATGATE_BIN, default build/release/apps/chatgate/chatgate).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

// socket.io-client is installed once, for the end-to-end tests.
const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { io } = require('socket.io-client');

const HTTP = process.env.CHATGATE_HTTP ?? 'http://127.0.0.1:4000';
const WS = process.env.CHATGATE_WS ?? 'http://127.0.0.1:4001';
const BIN = process.env.CHATGATE_BIN ??
  new URL('../build/release/apps/chatgate/chatgate', import.meta.url).pathname;

function token(user) {
  const given = process.env[`${user.toUpperCase()}_TOKEN`];
  if (given) return given;
  if (!process.env.JWT_SECRET) throw new Error(`set JWT_SECRET (or ${user.toUpperCase()}_TOKEN)`);
  if (!existsSync(BIN)) throw new Error(`no chatgate binary at ${BIN} (set CHATGATE_BIN)`);
  return execFileSync(BIN, ['token', '--user', user, '--ttl', '1h'], { encoding: 'utf8' }).trim();
}

const log = (who, what, data) => console.log(`${who.padEnd(5)} ${what.padEnd(22)} ${data === undefined ? '' : JSON.stringify(data)}`);

function next(socket, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (p) => { clearTimeout(timer); resolve(p); });
  });
}

async function connect(who, tok, opts = {}) {
  const socket = io(WS, { auth: { token: tok }, reconnection: false, forceNew: true, ...opts });
  socket.on('error', (e) => log(who, 'error', e));
  for (const ev of ['message:new', 'message:updated', 'user:online', 'user:offline', 'conversation:new']) {
    const brief = { 'message:new': (p) => ({ seq: p.seq, from: p.senderId, content: p.content }),
      'conversation:new': (p) => ({ id: p.id, name: p.name, participants: p.participants.map((x) => x.userId) }) };
    socket.on(ev, (p) => log(who, `<- ${ev}`, brief[ev] ? brief[ev](p) : p));
  }
  const hello = await next(socket, 'connected');
  log(who, '<- connected', hello);
  return socket;
}

async function main() {
  const tokens = { alice: token('alice'), bob: token('bob') };
  const alice = await connect('alice', tokens.alice, { transports: ['websocket'] });
  let bob = await connect('bob', tokens.bob); // polling, then upgraded to websocket

  const bobJoined = next(bob, 'conversation:new');
  const created = await fetch(`${HTTP}/api/v1/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'group', name: 'Demo', participantIds: ['bob'] }),
  });
  const conv = await created.json();
  if (created.status !== 201) throw new Error(`create conversation: ${created.status} ${JSON.stringify(conv)}`);
  log('alice', 'POST /conversations', { id: conv.id, name: conv.name });
  await bobJoined;

  const hi = await alice.emitWithAck('message:send', { conversationId: conv.id, content: 'hi bob' });
  log('alice', 'message:send ack', { success: hi.success, seq: hi.message.seq });
  const reply = await bob.emitWithAck('message:send', { conversationId: conv.id, content: 'hi alice!' });
  await alice.emitWithAck('message:edit', { messageId: hi.message.id, content: 'hi bob (edited)' });
  const t0 = Date.now();
  const pong = await bob.emitWithAck('ping', {});
  log('bob', 'ping ack', { ...pong, rttMs: Date.now() - t0 });

  const seen = reply.message.id;
  const bobOffline = next(alice, 'user:offline');
  bob.close();
  await bobOffline;
  for (const content of ['are you there?', 'ping me when back']) {
    await alice.emitWithAck('message:send', { conversationId: conv.id, content });
  }
  bob = await connect('bob', tokens.bob);
  const sync = await bob.emitWithAck('messages:sync', { conversationId: conv.id, lastMessageId: seen });
  log('bob', 'messages:sync ack', { hasMore: sync.hasMore, missed: sync.messages.map((m) => `${m.seq}: ${m.content}`) });
  alice.close();
  bob.close();
  console.log('demo finished');
}

main().catch((e) => { console.error(`demo failed: ${e.message}`); process.exit(1); });
