// Durability: everything the REST API acknowledged survives SIGKILL and a restart on the same file;
// SIGTERM stops the process cleanly with exit code 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';
import { api } from './lib/rest.mjs';

test('acknowledged writes survive SIGKILL', async () => {
  const first = await start();
  const alice = api(first.http, tokenFor('alice'));
  const g = await alice.post('/conversations', { type: 'group', name: 'durable', participantIds: ['bob'] });
  assert.equal(g.status, 201);
  const ids = [];
  // Concurrent sends too: each 201 must be on disk before it was sent.
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    alice.post(`/conversations/${g.body.id}/messages`, { content: `m${i}` })));
  for (const r of results) { assert.equal(r.status, 201); ids.push(r.body.id); }
  const edited = await alice.patch(`/messages/${ids[0]}`, { content: 'edited' });
  assert.equal(edited.status, 200);
  assert.equal((await alice.del(`/messages/${ids[1]}`)).status, 200);
  const killed = await first.kill();
  assert.equal(killed.signal, 'SIGKILL');

  const second = await start({ dir: first.dir, dbPath: first.dbPath });
  try {
    const again = api(second.http, tokenFor('alice'));
    const conv = await again.get(`/conversations/${g.body.id}`);
    assert.equal(conv.status, 200);
    assert.equal(conv.body.name, 'durable');
    const list = await again.get(`/conversations/${g.body.id}/messages?limit=100`);
    assert.equal(list.body.items.length, 20);
    assert.deepEqual(list.body.items.map((m) => m.id).sort(), [...ids].sort());
    assert.deepEqual(list.body.items.map((m) => m.seq), Array.from({ length: 20 }, (_, i) => 20 - i));
    assert.equal((await again.get(`/messages/${ids[0]}`)).body.content, 'edited');
    assert.equal((await again.get(`/messages/${ids[1]}`)).body.isDeleted, true);
    // seq continues without a gap after the restart
    const next = await again.post(`/conversations/${g.body.id}/messages`, { content: 'after restart' });
    assert.equal(next.body.seq, 21);
  } finally {
    const stopped = await second.stop();
    assert.equal(stopped.code, 0);
    second.cleanup();
  }
});
