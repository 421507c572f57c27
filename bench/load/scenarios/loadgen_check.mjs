// `loadgen-check`: the native generator (bench/loadgen) checked against the official client on a
// small run. Each group has members of both kinds: the native generator holds the sender and half
// of the members, the official socket.io-client (client workers) the other half. The native
// senders' acked seqs are the truth; both counters must see every acked message exactly once at
// every member, so delivered(native) = acked x native members and delivered(js) = acked x js
// members, with nothing missing, duplicated or unexpected on either side.
import { startNative } from '../lib/native.mjs';
import { place, connectAll, token } from '../lib/clients.mjs';

async function createGroup(http, users) {
  const res = await fetch(`${http}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(users[0])}` },
    body: JSON.stringify({ type: 'group', name: 'check', participantIds: users.slice(1) }),
  });
  if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

export async function loadgenCheck({ server, pool, groups = 4, members = 10, window = 4, durationMs = 2000, procs = 1, loadgen }) {
  const native = [];
  const jsSpecs = [];
  for (let g = 0; g < groups; g++) {
    const users = Array.from({ length: members }, (_, m) => `chk${g}-m${m}`);
    const conv = await createGroup(server.http, users);
    const half = Math.ceil(members / 2);
    native.push({ conv, members: users.slice(0, half).map((u, m) => ({ token: token(u), sender: m === 0 })) });
    for (const u of users.slice(half)) jsSpecs.push({ user: u, convs: [conv] });
  }
  const { perWorker } = place(jsSpecs, pool.size);
  await connectAll(pool, server.ws, perWorker, { transport: 'websocket', concurrency: 20 });
  const gen = await startNative({ bin: loadgen, server, groups: native, procs, window, durationMs, contentBytes: 64, concurrency: 20, reportSeqs: true });
  if (gen.failed) { gen.kill(); throw new Error(`native: ${gen.failed} failed: ${gen.errors.join('; ')}`); }
  await pool.all('startRecording');
  const rs = await gen.go();
  const seqs = Object.assign({}, ...rs.map((r) => r.ackedSeqs));
  const acked = rs.reduce((s, r) => s + r.acked, 0);
  const nativeMembers = native.reduce((s, g) => s + g.members.length, 0) / groups;
  const jsMembers = members - nativeMembers;
  // The official clients may still be reading: wait for their count (bounded).
  const end = Date.now() + 10000;
  while ((await pool.all('status')).reduce((s, r) => s + r.delivered, 0) < acked * jsMembers && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const js = await pool.all('report', () => ({ expected: seqs }));
  const sum = (list, k) => list.reduce((s, r) => s + r[k], 0);
  const r = {
    scenario: 'loadgen-check', acked, groups, members,
    native: { members: nativeMembers, delivered: sum(rs, 'delivered'), expected: acked * nativeMembers, missing: sum(rs, 'missing'), duplicates: sum(rs, 'duplicates'), unexpected: sum(rs, 'unexpected') },
    js: { members: jsMembers, delivered: sum(js, 'delivered'), expected: acked * jsMembers, missing: sum(js, 'missing'), duplicates: sum(js, 'duplicates'), unexpected: sum(js, 'unexpected') },
  };
  const bad = ['native', 'js'].filter((k) => r[k].delivered !== r[k].expected || r[k].missing || r[k].duplicates || r[k].unexpected);
  r.missing = bad.length;  // run.mjs marks the run invalid when non-zero
  r.verdict = bad.length ? `MISMATCH in ${bad.join(', ')}` : 'native and official client counts agree';
  return r;
}
