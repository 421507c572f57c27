// Contract §8 reactions against the real binary with the official socket.io-client: socket
// message:react / message:unreact and REST POST/DELETE …/reactions, the `message:reaction`
// broadcast, order of first use, counts, the 20-emoji limit (at it and past it), emoji of 1-16
// code points without white space, outsiders and deleted messages, reactions in every message
// object (REST, message:new, messages:sync). Bad input stores nothing and sends no event. The
// last part runs two instances (Redis + PostgreSQL, skipped without them).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, collect, expectNone, ask, closeAll } from './lib/socket.mjs';
import { REDIS_URL, PG_URL } from './lib/redis.mjs';

let server;
const run = Date.now().toString(36);
let next = 0;
const user = (name) => `${name}-${run}-${++next}`;
const rest = (u, s = server) => api(s.http, tokenFor(u));
const sockets = [];
async function connect(u, s = server) {
  const c = await connectAs(s.ws, tokenFor(u));
  sockets.push(c.socket);
  return c.socket;
}
async function group(owner, others, s = server) {
  const r = await rest(owner, s).post('/conversations', { type: 'group', name: 'g', participantIds: others });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
async function message(owner, conversationId, s = server) {
  const r = await rest(owner, s).post(`/conversations/${conversationId}/messages`, { content: 'hi' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
async function storedReactions(u, messageId, s = server) {
  const r = await rest(u, s).get(`/messages/${messageId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.reactions;
}
const FAMILY = '👨‍👩‍👧‍👦'; // 7 code points (ZWJ sequence)
const del = (u, messageId, emoji, s = server) =>
  rest(u, s).del(`/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`);

before(async () => { server = await start(); });
after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

test('message:react acks the message and broadcasts message:reaction to the room', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const m = await message(a, id);
  const a1 = await connect(a), b1 = await connect(b), b2 = await connect(b);
  const heardA = waitFor(a1, 'message:reaction'), heardB2 = waitFor(b2, 'message:reaction');
  const ack = await ask(b1, 'message:react', { messageId: m.id, emoji: '👍' });
  assert.equal(ack.success, true, JSON.stringify(ack));
  assert.equal(ack.message.id, m.id);
  assert.deepEqual(ack.message.reactions, [{ emoji: '👍', count: 1, userIds: [b] }]);
  const expected = { messageId: m.id, conversationId: id, userId: b, emoji: '👍', action: 'added',
    reactions: [{ emoji: '👍', count: 1, userIds: [b] }] };
  assert.deepEqual(await heardA, expected);
  assert.deepEqual(await heardB2, expected); // the reactor's other sockets too
  const gone = waitFor(a1, 'message:reaction');
  const un = await ask(b1, 'message:unreact', { messageId: m.id, emoji: '👍' });
  assert.deepEqual(un.message.reactions, []);
  assert.deepEqual(await gone, { ...expected, action: 'removed', reactions: [] });
  assert.deepEqual(await storedReactions(a, m.id), []);
});

test('a repeat, or removing what one does not hold, is acked unchanged with no event', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const m = await message(a, id);
  const a1 = await connect(a), b1 = await connect(b);
  await ask(b1, 'message:react', { messageId: m.id, emoji: '🎉' });
  await new Promise((r) => setTimeout(r, 100));
  const got = collect(a1, 'message:reaction');
  const again = await ask(b1, 'message:react', { messageId: m.id, emoji: '🎉' });
  assert.deepEqual(again.message.reactions, [{ emoji: '🎉', count: 1, userIds: [b] }]);
  const notHeld = await ask(a1, 'message:unreact', { messageId: m.id, emoji: '🎉' });
  assert.equal(notHeld.success, true);
  assert.deepEqual(notHeld.message.reactions, [{ emoji: '🎉', count: 1, userIds: [b] }]);
  const never = await ask(a1, 'message:unreact', { messageId: m.id, emoji: '👀' });
  assert.deepEqual(never.message.reactions, [{ emoji: '🎉', count: 1, userIds: [b] }]);
  assert.equal((await rest(b).post(`/messages/${m.id}/reactions`, { emoji: '🎉' })).status, 201);
  assert.equal((await del(a, m.id, '🎉')).status, 200);
  await expectNone(got, 300, () => true, 'message:reaction for a no-op');
});

test('order of first use, counts and user order; an emoji nobody holds leaves and returns last', async () => {
  const a = user('a'), b = user('b'), c = user('c');
  const id = await group(a, [b, c]);
  const m = await message(a, id);
  const [a1, b1, c1] = [await connect(a), await connect(b), await connect(c)];
  await ask(b1, 'message:react', { messageId: m.id, emoji: '👍' });
  await ask(c1, 'message:react', { messageId: m.id, emoji: FAMILY });
  await ask(a1, 'message:react', { messageId: m.id, emoji: '👍' });
  const r = await ask(c1, 'message:react', { messageId: m.id, emoji: '👍' });
  assert.deepEqual(r.message.reactions, [
    { emoji: '👍', count: 3, userIds: [b, a, c] },
    { emoji: FAMILY, count: 1, userIds: [c] },
  ]);
  for (const u of [a1, b1, c1]) await ask(u, 'message:unreact', { messageId: m.id, emoji: '👍' });
  await ask(a1, 'message:react', { messageId: m.id, emoji: '👍' });
  assert.deepEqual(await storedReactions(b, m.id), [
    { emoji: FAMILY, count: 1, userIds: [c] },
    { emoji: '👍', count: 1, userIds: [a] },
  ]);
});

test('REST: POST 201 and DELETE (URL-encoded emoji) 200 with the message, each broadcast', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const m = await message(a, id);
  const a1 = await connect(a);
  const got = collect(a1, 'message:reaction');
  const post = await rest(b).post(`/messages/${m.id}/reactions`, { emoji: FAMILY });
  assert.equal(post.status, 201, JSON.stringify(post.body));
  assert.equal(post.body.id, m.id);
  assert.deepEqual(post.body.reactions, [{ emoji: FAMILY, count: 1, userIds: [b] }]);
  const flag = await rest(b).post(`/messages/${m.id}/reactions`, { emoji: '🇫🇷' });
  assert.equal(flag.status, 201);
  const d = await del(b, m.id, FAMILY);
  assert.equal(d.status, 200, JSON.stringify(d.body));
  assert.deepEqual(d.body.reactions, [{ emoji: '🇫🇷', count: 1, userIds: [b] }]);
  const spaced = await del(b, m.id, 'a b');
  assert.equal(spaced.status, 400);
  assert.equal(spaced.body.code, 'VALIDATION_ERROR');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(got.map((e) => [e.userId, e.emoji, e.action]),
    [[b, FAMILY, 'added'], [b, '🇫🇷', 'added'], [b, FAMILY, 'removed']]);
});

test('20 distinct emoji a message, and the 21st is VALIDATION_ERROR with nothing stored', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const m = await message(a, id);
  const a1 = await connect(a), b1 = await connect(b);
  for (let i = 0; i < 20; ++i) {
    const r = await ask(b1, 'message:react', { messageId: m.id, emoji: `e${i}` });
    assert.equal(r.success, true, JSON.stringify(r));
  }
  await new Promise((r) => setTimeout(r, 100));
  const got = collect(a1, 'message:reaction');
  const past = await ask(b1, 'message:react', { messageId: m.id, emoji: 'e20' });
  assert.equal(past.success, false);
  assert.equal(past.error.code, 'VALIDATION_ERROR');
  assert.equal(past.error.details[0].field, 'emoji');
  const pastRest = await rest(a).post(`/messages/${m.id}/reactions`, { emoji: '🚫' });
  assert.equal(pastRest.status, 400);
  assert.equal(pastRest.body.details[0].field, 'emoji');
  const stored = await storedReactions(a, m.id);
  assert.equal(stored.length, 20);
  assert.deepEqual(stored.map((r) => r.emoji), Array.from({ length: 20 }, (_, i) => `e${i}`));
  await expectNone(got, 200, () => true, 'message:reaction past the limit');
  // at the limit another user may still join an emoji that is there
  const join = await ask(a1, 'message:react', { messageId: m.id, emoji: 'e7' });
  assert.deepEqual(join.message.reactions[7], { emoji: 'e7', count: 2, userIds: [b, a] });
});

test('emoji: 1-16 code points (ZWJ counted), no white space; bad input is VALIDATION_ERROR, nothing stored', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const m = await message(a, id);
  const a1 = await connect(a), b1 = await connect(b);
  const sixteen = '😀'.repeat(16), seventeen = '😀'.repeat(17);
  const ok = await ask(b1, 'message:react', { messageId: m.id, emoji: sixteen });
  assert.equal(ok.success, true, JSON.stringify(ok));
  await ask(b1, 'message:unreact', { messageId: m.id, emoji: sixteen });
  await new Promise((r) => setTimeout(r, 100));
  const got = collect(a1, 'message:reaction');
  const errors = collect(b1, 'error');
  const bad = [
    [{ messageId: m.id, emoji: seventeen }, 'emoji'],
    [{ messageId: m.id, emoji: FAMILY + FAMILY + FAMILY }, 'emoji'], // 21 code points
    [{ messageId: m.id, emoji: '' }, 'emoji'],
    [{ messageId: m.id, emoji: ' ' }, 'emoji'],
    [{ messageId: m.id, emoji: '👍 ' }, 'emoji'],
    [{ messageId: m.id, emoji: '\u00a0' }, 'emoji'],
    [{ messageId: m.id, emoji: '👍\n' }, 'emoji'],
    [{ messageId: m.id, emoji: 5 }, 'emoji'],
    [{ messageId: m.id }, 'emoji'],
    [{ messageId: 'nope', emoji: '👍' }, 'messageId'],
    [{ emoji: '👍' }, 'messageId'],
    ['x', 'payload'],
  ];
  for (const ev of ['message:react', 'message:unreact']) {
    for (const [payload, field] of bad) {
      const r = await ask(b1, ev, payload);
      assert.equal(r.success, false, `${ev} ${JSON.stringify(payload)}`);
      assert.equal(r.error.code, 'VALIDATION_ERROR', `${ev} ${JSON.stringify(payload)}`);
      if (field !== 'payload') assert.ok(r.error.details.some((d) => d.field === field), JSON.stringify(r.error));
    }
  }
  for (const body of [{ emoji: seventeen }, { emoji: '' }, { emoji: 'a b' }, {}, { emoji: ['👍'] }]) {
    const r = await rest(b).post(`/messages/${m.id}/reactions`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.code, 'VALIDATION_ERROR');
    assert.ok(r.body.details.some((d) => d.field === 'emoji'));
  }
  assert.equal((await rest(b).post('/messages/nope/reactions', { emoji: '👍' })).status, 400);
  assert.equal((await del(b, m.id, seventeen)).status, 400);
  const notUtf8 = await rest(b).raw('DELETE', `/messages/${m.id}/reactions/%FF`);
  assert.equal(notUtf8.status, 400, JSON.stringify(notUtf8.body)); // decodes to a lone 0xFF byte
  assert.equal((await del(b, m.id, '%')).status, 200); // "%25" is "%": a valid emoji, not held
  assert.deepEqual(await storedReactions(a, m.id), []);
  await expectNone(got, 200, () => true, 'message:reaction after bad input');
  assert.ok(errors.some((e) => e.code === 'VALIDATION_ERROR' && e.originalEvent === 'message:react'));
});

test('outsiders, unknown and deleted messages answer NOT_FOUND and store nothing', async () => {
  const a = user('a'), b = user('b'), d = user('d');
  const id = await group(a, [b]);
  const m = await message(a, id);
  const a1 = await connect(a), d1 = await connect(d);
  const got = collect(a1, 'message:reaction');
  for (const ev of ['message:react', 'message:unreact']) {
    for (const messageId of [m.id, '0123456789abcdef01234567']) {
      const r = await ask(d1, ev, { messageId, emoji: '👍' });
      assert.equal(r.success, false);
      assert.equal(r.error.code, 'NOT_FOUND', `${ev} ${messageId}`);
    }
  }
  const outsider = await rest(d).post(`/messages/${m.id}/reactions`, { emoji: '👍' });
  assert.equal(outsider.status, 404);
  assert.equal(outsider.body.code, 'NOT_FOUND');
  assert.equal((await del(d, m.id, '👍')).status, 404);
  assert.deepEqual(await storedReactions(a, m.id), []);
  await expectNone(got, 200, () => true, 'message:reaction from an outsider');
  // a deleted message takes no reaction, and shows none
  await rest(b).post(`/messages/${m.id}/reactions`, { emoji: '👍' });
  assert.equal((await rest(a).del(`/messages/${m.id}`)).status, 200);
  const late = await rest(b).post(`/messages/${m.id}/reactions`, { emoji: '🎉' });
  assert.equal(late.status, 404);
  assert.equal(late.body.code, 'NOT_FOUND');
  assert.equal((await del(b, m.id, '👍')).status, 404);
  const r = await ask(a1, 'message:react', { messageId: m.id, emoji: '🎉' });
  assert.equal(r.error.code, 'NOT_FOUND');
  assert.deepEqual(await storedReactions(a, m.id), []);
});

test('reactions are part of every message object: message:new, pages, GET, messages:sync', async () => {
  const a = user('a'), b = user('b');
  const id = await group(a, [b]);
  const a1 = await connect(a), b1 = await connect(b);
  const fresh = waitFor(b1, 'message:new');
  const sent = await ask(a1, 'message:send', { conversationId: id, content: 'x' });
  assert.deepEqual(sent.message.reactions, []);
  assert.deepEqual((await fresh).reactions, []);
  await ask(b1, 'message:react', { messageId: sent.message.id, emoji: '👍' });
  const want = [{ emoji: '👍', count: 1, userIds: [b] }];
  const page = await rest(a).get(`/conversations/${id}/messages`);
  assert.deepEqual(page.body.items[0].reactions, want);
  assert.deepEqual(await storedReactions(a, sent.message.id), want);
  const sync = await ask(a1, 'messages:sync', { conversationId: id, lastSeq: 0 });
  assert.deepEqual(sync.messages[0].reactions, want);
  const conv = await rest(a).get(`/conversations/${id}`);
  assert.deepEqual(conv.body.lastMessage.reactions, want);
  // an edit keeps them
  const edited = await ask(a1, 'message:edit', { messageId: sent.message.id, content: 'y' });
  assert.deepEqual(edited.message.reactions, want);
});

test('reactions survive a restart (stored with the message)', async () => {
  const a = user('a'), b = user('b');
  const own = await start();
  try {
    const id = await group(a, [b], own);
    const m = await message(a, id, own);
    assert.equal((await rest(b, own).post(`/messages/${m.id}/reactions`, { emoji: '👍' })).status, 201);
    await own.stop();
    const again = await start({ dbPath: own.dbPath, dir: own.dir });
    try {
      assert.deepEqual(await storedReactions(a, m.id, again), [{ emoji: '👍', count: 1, userIds: [b] }]);
    } finally { await again.stop(); }
  } finally { own.cleanup(); }
});

const skip = REDIS_URL && PG_URL ? false : 'CHATGATE_TEST_REDIS_URL or CHATGATE_TEST_PG_URL is not set';
describe('two instances (Redis + PostgreSQL)', { skip }, () => {
  let one, two;
  before(async () => {
    const env = { DATABASE_URL: PG_URL, REDIS_URL, RATE_LIMIT: '10000/10s' };
    [one, two] = await Promise.all([start({ env }), start({ env })]);
  });
  after(async () => { for (const s of [one, two]) if (s) { await s.stop(); s.cleanup(); } });

  test('a reaction on one instance reaches the room on the other, REST and socket', async () => {
    const a = user('a'), b = user('b');
    const id = await group(a, [b], one);
    const m = await message(a, id, one);
    const a2 = await connect(a, two), b1 = await connect(b, one);
    const heard = waitFor(a2, 'message:reaction');
    await ask(b1, 'message:react', { messageId: m.id, emoji: '👍' });
    assert.deepEqual(await heard, { messageId: m.id, conversationId: id, userId: b, emoji: '👍',
      action: 'added', reactions: [{ emoji: '👍', count: 1, userIds: [b] }] });
    const removed = waitFor(b1, 'message:reaction');
    assert.equal((await del(b, m.id, '👍', two)).status, 200);
    assert.equal((await removed).action, 'removed');
  });

  test('concurrent reactions through both instances are all kept', async () => {
    const owner = user('o');
    const members = Array.from({ length: 12 }, (_, i) => user(`m${i}`));
    const id = await group(owner, members, one);
    const m = await message(owner, id, one);
    const results = await Promise.all(members.map((u, i) =>
      rest(u, i % 2 ? one : two).post(`/messages/${m.id}/reactions`, { emoji: i % 3 ? '👍' : '🎉' })));
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    const stored = await storedReactions(owner, m.id, two);
    const total = stored.reduce((n, r) => n + r.count, 0);
    assert.equal(total, members.length);
    assert.deepEqual(new Set(stored.flatMap((r) => r.userIds)), new Set(members));
  });
});
