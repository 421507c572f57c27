// Contract §8 read state against the real binary with the official socket.io-client, on SQLite
// and (with CHATGATE_TEST_PG_URL) on PostgreSQL: `conversation:read` and `POST …/read`, the
// broadcast to the room, lastReadSeq monotonic and capped, unreadCount on every conversation
// object a user gets (REST list/get, conversation:new, conversation:joined), and bad input
// answered VALIDATION_ERROR/FORBIDDEN with nothing stored and nothing broadcast.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, collect, expectNone, ask, closeAll } from './lib/socket.mjs';

const GHOST = '0123456789abcdef01234567';
const backends = [['sqlite', null]];
if (process.env.CHATGATE_TEST_PG_URL) backends.push(['postgres', process.env.CHATGATE_TEST_PG_URL]);

for (const [backend, pgUrl] of backends) {
  describe(`read state on ${backend}`, () => {
    let server;
    const run = `${backend}${Date.now().toString(36)}`;
    let next = 0;
    const user = (name) => `${name}-${run}-${++next}`;
    const rest = (u) => api(server.http, tokenFor(u));
    const sockets = [];
    async function connect(u) {
      const c = await connectAs(server.ws, tokenFor(u));
      sockets.push(c.socket);
      return c.socket;
    }
    async function group(owner, others) {
      const r = await rest(owner).post('/conversations', { type: 'group', name: 'g', participantIds: others });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id;
    }
    async function send(u, id, content = 'hi') {
      const r = await rest(u).post(`/conversations/${id}/messages`, { content });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    }
    async function stateOf(u, id) {
      const r = await rest(u).get(`/conversations/${id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return { lastReadSeq: r.body.lastReadSeq, unreadCount: r.body.unreadCount };
    }

    before(async () => {
      const env = { RATE_LIMIT: '10000/10s', ...(pgUrl ? { DATABASE_URL: pgUrl } : {}) };
      server = await start({ env });
    });
    after(async () => { closeAll(sockets); await server?.stop(); server?.cleanup(); });

    test('POST …/read answers the state, moves forward only, caps at the last seq, and tells the room', async () => {
      const a = user('a'), b = user('b');
      const id = await group(a, [b]);
      for (let i = 0; i < 3; ++i) await send(a, id);
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 0, unreadCount: 3 });
      const a1 = await connect(a);
      const heard = collect(a1, 'conversation:read');
      const r = await rest(b).post(`/conversations/${id}/read`, { seq: 2 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { conversationId: id, userId: b, lastReadSeq: 2, unreadCount: 1 });
      const lower = await rest(b).post(`/conversations/${id}/read`, { seq: 1 });
      assert.deepEqual(lower.body, { conversationId: id, userId: b, lastReadSeq: 2, unreadCount: 1 });
      const zero = await rest(b).post(`/conversations/${id}/read`, { seq: 0 }); // the lowest accepted
      assert.equal(zero.status, 200);
      assert.equal(zero.body.lastReadSeq, 2);
      const atLast = await rest(b).post(`/conversations/${id}/read`, { seq: 3 });
      assert.deepEqual(atLast.body, { conversationId: id, userId: b, lastReadSeq: 3, unreadCount: 0 });
      const past = await rest(b).post(`/conversations/${id}/read`, { seq: 4 }); // one past: capped
      assert.deepEqual(past.body, { conversationId: id, userId: b, lastReadSeq: 3, unreadCount: 0 });
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 3, unreadCount: 0 });
      for (let i = 0; i < 100 && heard.length < 5; ++i) await new Promise((r) => setTimeout(r, 20));
      // Every accepted call is broadcast, a lower seq too (it answers the unchanged state).
      assert.deepEqual(heard.map((e) => e.lastReadSeq), [2, 2, 2, 3, 3]);
      assert.ok(heard.every((e) => e.conversationId === id && e.userId === b));
    });

    test('socket conversation:read acks {success: true, data} and reaches every socket of the room', async () => {
      const a = user('a'), b = user('b'), c = user('c');
      const id = await group(a, [b, c]);
      await send(a, id);
      await send(c, id);
      const b1 = await connect(b), b2 = await connect(b), a1 = await connect(a);
      const onA = waitFor(a1, 'conversation:read');
      const onB2 = waitFor(b2, 'conversation:read');
      const ack = await ask(b1, 'conversation:read', { conversationId: id, seq: 1 });
      const data = { conversationId: id, userId: b, lastReadSeq: 1, unreadCount: 1 };
      assert.deepEqual(ack, { success: true, data });
      assert.deepEqual(await onA, data);
      assert.deepEqual(await onB2, data); // the reader's other tabs learn it too
    });

    test('unreadCount counts others\' messages after lastReadSeq, not deleted; edits change nothing', async () => {
      const a = user('a'), b = user('b');
      const id = await group(a, [b]);
      const m1 = await send(a, id);
      const m2 = await send(a, id);
      await send(b, id); // b's own: never unread for b
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 0, unreadCount: 2 });
      assert.deepEqual(await stateOf(a, id), { lastReadSeq: 0, unreadCount: 1 });
      assert.equal((await rest(a).patch(`/messages/${m2.id}`, { content: 'edited' })).status, 200);
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 0, unreadCount: 2 });
      assert.equal((await rest(a).del(`/messages/${m1.id}`)).status, 200);
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 0, unreadCount: 1 });
      // Deleting a message already read leaves the count.
      await rest(b).post(`/conversations/${id}/read`, { seq: 3 });
      assert.equal((await rest(a).del(`/messages/${m2.id}`)).status, 200);
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 3, unreadCount: 0 });
      await send(a, id);
      const list = await rest(b).get('/conversations');
      const mine = list.body.items.find((x) => x.id === id);
      assert.equal(mine.lastReadSeq, 3);
      assert.equal(mine.unreadCount, 1);
    });

    test('conversation:new and conversation:joined carry the receiver\'s read state', async () => {
      const a = user('a'), b = user('b'), c = user('c');
      const b1 = await connect(b);
      const created = waitFor(b1, 'conversation:new');
      const id = await group(a, [b]);
      const conv = await created;
      assert.equal(conv.id, id);
      assert.equal(conv.lastReadSeq, 0);
      assert.equal(conv.unreadCount, 0);
      await send(a, id);
      await send(b, id);
      const c1 = await connect(c);
      const joined = waitFor(c1, 'conversation:joined');
      const added = await rest(a).post(`/conversations/${id}/participants`, { userId: c });
      assert.equal(added.status, 201);
      assert.equal(added.body.unreadCount, 1); // the REST answer is a's view: b's message
      const seen = await joined;
      assert.equal(seen.lastReadSeq, 0);
      assert.equal(seen.unreadCount, 2); // c's view: both messages
    });

    test('bad seq is VALIDATION_ERROR naming seq (REST and socket); nothing stored, nothing sent', async () => {
      const a = user('a'), b = user('b');
      const id = await group(a, [b]);
      await send(a, id);
      const a1 = await connect(a), b1 = await connect(b);
      const heard = collect(a1, 'conversation:read');
      const bad = [{ seq: -1 }, { seq: 1.5 }, { seq: '3' }, {}, { seq: null }, { seq: true }];
      for (const body of bad) {
        const r = await rest(b).post(`/conversations/${id}/read`, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.code, 'VALIDATION_ERROR');
        assert.deepEqual(r.body.details.map((d) => d.field), ['seq'], JSON.stringify(body));
        const ack = await ask(b1, 'conversation:read', { conversationId: id, ...body });
        assert.equal(ack.success, false);
        assert.equal(ack.error.code, 'VALIDATION_ERROR');
        assert.deepEqual(ack.error.details.map((d) => d.field), ['seq'], JSON.stringify(body));
      }
      const noId = await ask(b1, 'conversation:read', { seq: 1 });
      assert.equal(noId.error.code, 'VALIDATION_ERROR');
      assert.equal(noId.error.details[0].field, 'conversationId');
      const badId = await rest(b).post('/conversations/nope/read', { seq: 1 });
      assert.equal(badId.status, 400);
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 0, unreadCount: 1 });
      await expectNone(heard, 200, () => true, 'conversation:read after bad input');
    });

    test('outsiders get FORBIDDEN (REST and socket), whether or not the conversation exists', async () => {
      const a = user('a'), b = user('b'), d = user('d');
      const id = await group(a, [b]);
      await send(a, id);
      const b1 = await connect(b), d1 = await connect(d);
      const heard = collect(b1, 'conversation:read');
      const errors = collect(d1, 'error');
      for (const target of [id, GHOST]) {
        const r = await rest(d).post(`/conversations/${target}/read`, { seq: 1 });
        assert.equal(r.status, 403, JSON.stringify(r.body));
        assert.equal(r.body.code, 'FORBIDDEN');
        const ack = await ask(d1, 'conversation:read', { conversationId: target, seq: 1 });
        assert.equal(ack.success, false);
        assert.equal(ack.error.code, 'FORBIDDEN');
      }
      assert.equal(errors.length, 2); // the error event beside each failed ack
      assert.deepEqual(await stateOf(b, id), { lastReadSeq: 0, unreadCount: 1 });
      await expectNone(heard, 200, () => true, 'conversation:read from an outsider');
    });
  });
}
