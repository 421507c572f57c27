// `idle-groups`: as `idle`, but every user is a member of --groups-per-user group conversations
// (default 20) of --members users each, created over REST before the sockets connect: each socket
// then sits in 1 + groups-per-user rooms. RSS per idle authenticated websocket with the rooms.
// Users are laid out in layers: in layer k user i belongs to group floor(((i + k * shift) mod N) / M),
// so every user is in exactly one group per layer and groups of different layers differ.
import { token } from '../lib/clients.mjs';
import { measureIdleConnects } from './idle_native.mjs';

async function createGroup(http, members, name) {
  const res = await fetch(`${http}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(members[0])}` },
    body: JSON.stringify({ type: 'group', name, participantIds: members.slice(1) }),
  });
  if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
}

export async function idleGroups({ server, n, procs, loadgen, concurrency, groupsPerUser, members }) {
  const user = (i) => `idle-${i}`;
  const size = Math.min(members, n);
  const perLayer = Math.floor(n / size);  // users past perLayer * size join no group of that layer
  const shift = Math.max(1, Math.floor(size / 2) + 1);
  const specs = [];
  for (let k = 0; k < groupsPerUser; k++)
    for (let g = 0; g < perLayer; g++)
      specs.push({ name: `idle ${k}/${g}`, users: Array.from({ length: size }, (_, j) => user((g * size + j + (n - ((k * shift) % n))) % n)) });
  const createStart = Date.now();
  for (let i = 0; i < specs.length; i += 16)
    await Promise.all(specs.slice(i, i + 16).map((s) => createGroup(server.http, s.users, s.name)));
  const createMs = Date.now() - createStart;
  const groups = Array.from({ length: n }, (_, i) => ({ conv: '', members: [{ token: token(user(i)), sender: false }] }));
  const measured = await measureIdleConnects({ server, groups, procs, loadgen, concurrency });
  return {
    scenario: 'idle-groups', generator: 'native', requested: n,
    conversations: specs.length, groupsPerUser, members: size, createMs, ...measured,
  };
}

