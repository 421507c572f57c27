// Bad input on every client event: the right code in the `error` event (with originalEvent) and
// in the ack {success: false, error: {code, message}}, and nothing stored or broadcast for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';
import { connectAs, waitFor, collect, expectNone, ask, closeAll } from './lib/socket.mjs';

let server, conv, foreign, own, others, sa, sb, observed;
const run = Date.now().toString(36);
const a = `va-${run}`, b = `vb-${run}`, c = `vc-${run}`;
const rest = (u) => api(server.http, tokenFor(u));
const GHOST = '0123456789abcdef01234567';
const long = (n) => 'x'.repeat(n);
const stored = async (u, id) => (await rest(u).get(`/conversations/${id}/messages?limit=100`)).body.items.sort((x, y) => x.seq - y.seq);

before(async () => {
  server = await start({ env: { RATE_LIMIT: '1000/1s' } });
  conv = (await rest(a).post('/conversations', { type: 'group', name: 'v', participantIds: [b] })).body;
  foreign = (await rest(c).post('/conversations', { type: 'group', name: 'f', participantIds: [] })).body;
  own = (await rest(a).post(`/conversations/${conv.id}/messages`, { content: 'own' })).body;
  others = (await rest(b).post(`/conversations/${conv.id}/messages`, { content: 'theirs' })).body;
  await rest(c).post(`/conversations/${foreign.id}/messages`, { content: 'secret' });
  sa = (await connectAs(server.ws, tokenFor(a))).socket;
  sb = (await connectAs(server.ws, tokenFor(b))).socket;
  observed = [];
  for (const ev of ['message:new', 'message:updated', 'message:deleted']) sb.on(ev, (p) => observed.push([ev, p]));
});
after(async () => { closeAll(sa, sb); await server?.stop(); server?.cleanup(); });

const cases = () => [
  // [event, payload, code, field named in the message (optional)]
  ['message:send', undefined, 'VALIDATION_ERROR', 'payload'],
  ['message:send', 'hello', 'VALIDATION_ERROR', 'payload'],
  ['message:send', 42, 'VALIDATION_ERROR', 'payload'],
  ['message:send', [conv.id, 'hi'], 'VALIDATION_ERROR', 'payload'],
  ['message:send', null, 'VALIDATION_ERROR', 'payload'],
  ['message:send', { content: 'no conversation' }, 'VALIDATION_ERROR', 'conversationId'],
  ['message:send', { conversationId: 12, content: 'x' }, 'VALIDATION_ERROR', 'conversationId'],
  ['message:send', { conversationId: 'abc', content: 'x' }, 'VALIDATION_ERROR', 'conversationId'],
  ['message:send', { conversationId: conv.id }, 'VALIDATION_ERROR', 'content'],
  ['message:send', { conversationId: conv.id, content: 5 }, 'VALIDATION_ERROR', 'content'],
  ['message:send', { conversationId: conv.id, content: '   \n\t' }, 'VALIDATION_ERROR', 'content'],
  ['message:send', { conversationId: conv.id, content: long(5001) }, 'VALIDATION_ERROR', 'content'],
  ['message:send', { conversationId: conv.id, content: 'x', attachments: 'f' }, 'VALIDATION_ERROR', 'attachments'],
  ['message:send', { conversationId: conv.id, content: 'x', attachments: Array.from({ length: 11 }, (_, i) => ({ externalFileId: `f${i}` })) }, 'VALIDATION_ERROR', 'attachments'],
  ['message:send', { conversationId: conv.id, content: 'x', attachments: [{ externalFileId: '' }] }, 'VALIDATION_ERROR', 'externalFileId'],
  ['message:send', { conversationId: conv.id, content: 'x', attachments: [{ externalFileId: 'f', label: long(256) }] }, 'VALIDATION_ERROR', 'label'],
  ['message:send', { conversationId: conv.id, content: 'x', replyTo: 'nope' }, 'VALIDATION_ERROR', 'replyTo'],
  ['message:send', { conversationId: conv.id, content: 'x', replyTo: GHOST }, 'VALIDATION_ERROR', 'replyTo'],
  ['message:send', { conversationId: conv.id, content: 'x', metadata: 'm' }, 'VALIDATION_ERROR', 'metadata'],
  ['message:send', { conversationId: conv.id, content: 'x', metadata: { big: long(5000) } }, 'VALIDATION_ERROR', 'metadata'],
  ['message:send', { conversationId: foreign.id, content: 'intrude' }, 'FORBIDDEN'],
  ['message:send', { conversationId: GHOST, content: 'nowhere' }, 'FORBIDDEN'],
  ['message:edit', 'x', 'VALIDATION_ERROR', 'payload'],
  ['message:edit', { content: 'x' }, 'VALIDATION_ERROR', 'messageId'],
  ['message:edit', { messageId: 'bad', content: 'x' }, 'VALIDATION_ERROR', 'messageId'],
  ['message:edit', { messageId: own.id }, 'VALIDATION_ERROR', 'content'],
  ['message:edit', { messageId: own.id, content: '' }, 'VALIDATION_ERROR', 'content'],
  ['message:edit', { messageId: own.id, content: long(5001) }, 'VALIDATION_ERROR', 'content'],
  ['message:edit', { messageId: others.id, content: 'mine now' }, 'FORBIDDEN'],
  ['message:edit', { messageId: GHOST, content: 'x' }, 'NOT_FOUND'],
  ['message:delete', 7, 'VALIDATION_ERROR', 'payload'],
  ['message:delete', {}, 'VALIDATION_ERROR', 'messageId'],
  ['message:delete', { messageId: 1 }, 'VALIDATION_ERROR', 'messageId'],
  ['message:delete', { messageId: GHOST }, 'NOT_FOUND'],
  ['messages:sync', 'x', 'VALIDATION_ERROR', 'payload'],
  ['messages:sync', {}, 'VALIDATION_ERROR', 'conversationId'],
  ['messages:sync', { conversationId: conv.id, limit: 0 }, 'VALIDATION_ERROR', 'limit'],
  ['messages:sync', { conversationId: conv.id, limit: 1001 }, 'VALIDATION_ERROR', 'limit'],
  ['messages:sync', { conversationId: conv.id, lastSeq: 'one' }, 'VALIDATION_ERROR', 'lastSeq'],
  ['messages:sync', { conversationId: conv.id, lastMessageId: 'zz' }, 'VALIDATION_ERROR', 'lastMessageId'],
  ['messages:sync', { conversationId: foreign.id }, 'FORBIDDEN'],
  ['messages:sync', { conversationId: GHOST }, 'FORBIDDEN'],
  ['room:join', null, 'VALIDATION_ERROR', 'payload'],
  ['room:join', { conversationId: 'x' }, 'VALIDATION_ERROR', 'conversationId'],
  ['room:join', { conversationId: foreign.id }, 'FORBIDDEN'],
  ['room:join', { conversationId: GHOST }, 'FORBIDDEN'],
  ['room:leave', [], 'VALIDATION_ERROR', 'payload'],
  ['room:leave', { conversationId: 3 }, 'VALIDATION_ERROR', 'conversationId'],
];

test('every bad payload gets its code in the error event and the ack, and nothing happens', async () => {
  for (const [event, payload, code, field] of cases()) {
    const what = `${event} ${JSON.stringify(payload)?.slice(0, 80)}`;
    const err = waitFor(sa, 'error');
    const ack = await ask(sa, event, payload);
    assert.equal(ack.success, false, what);
    assert.equal(ack.error.code, code, `${what}: ${JSON.stringify(ack)}`);
    assert.equal(typeof ack.error.message, 'string', what);
    if (field) assert.match(ack.error.message, new RegExp(field), `${what}: ${ack.error.message}`);
    const ev = await err;
    assert.equal(ev.code, code, what);
    assert.equal(ev.message, ack.error.message, what);
    assert.equal(ev.originalEvent, event, what);
    assert.match(ev.timestamp, /^\d{4}-.*Z$/, what);
  }
  await expectNone(observed, 300, () => true, 'broadcast');
  assert.deepEqual((await stored(a, conv.id)).map((m) => [m.content, m.isEdited, m.isDeleted]),
    [['own', false, false], ['theirs', false, false]]);
  assert.equal((await stored(c, foreign.id)).length, 1);
});

test('without an ack, a bad event still gets the error event', async () => {
  const err = waitFor(sa, 'error');
  sa.emit('message:send', { conversationId: conv.id, content: '' });
  const ev = await err;
  assert.equal(ev.code, 'VALIDATION_ERROR');
  assert.equal(ev.originalEvent, 'message:send');
});

test('content of exactly 5000 characters (and 5000 non-ASCII code points) is accepted', async () => {
  const ok = await ask(sa, 'message:send', { conversationId: conv.id, content: long(5000) });
  assert.equal(ok.success, true);
  assert.equal(ok.message.content.length, 5000);
  const wide = '\u00e9'.repeat(5000);
  const ok2 = await ask(sa, 'message:send', { conversationId: conv.id, content: wide });
  assert.equal(ok2.success, true);
  assert.equal(ok2.message.content, wide);
  const edit = await ask(sa, 'message:edit', { messageId: ok.message.id, content: long(5000) });
  assert.equal(edit.success, true);
});

test('at most 10 attachments: 10 pass', async () => {
  const attachments = Array.from({ length: 10 }, (_, i) => ({ externalFileId: `f${i}`, label: long(255) }));
  const ok = await ask(sa, 'message:send', { conversationId: conv.id, content: 'files', attachments });
  assert.equal(ok.success, true);
  assert.equal(ok.message.attachments.length, 10);
});

test('unknown fields are dropped, not stored', async () => {
  const ok = await ask(sa, 'message:send', { conversationId: conv.id, content: 'clean', senderId: 'mallory', seq: 99, isEdited: true });
  assert.equal(ok.message.senderId, a);
  assert.equal(ok.message.isEdited, false);
  assert.notEqual(ok.message.seq, 99);
});

test('unknown events are ignored and the socket stays usable', async () => {
  const errors = collect(sa, 'error');
  sa.emit('no:such:event', { x: 1 });
  await expectNone(errors, 200);
  assert.equal((await ask(sa, 'ping', {})).event, 'pong');
});
