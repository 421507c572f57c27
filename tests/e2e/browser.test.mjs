// The web client in a real browser: headless Chromium (Debian's `chromium`, installed by
// scripts/install-deps.sh) driven by playwright-core. Two users in two pages: presence dots, a
// message each way, the typing indicator, the unread count rising and clearing (the server's
// read state, contract §8: shown on load, marked read by opening, kept after a reload), an
// edit and a delete, and --no-web. Screenshots go to a temporary directory printed by the test.
// Reactions: one added and taken back, seen by both pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { start } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { tokenFor } from './lib/token.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const shots = mkdtempSync(join(tmpdir(), 'chatgate-screens-'));
const run = Date.now().toString(36);
const alice = `alice-${run}`, bob = `bob-${run}`;
let server, context;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: scripts/install-deps.sh installs Debian's chromium`);
  server = await start({ env: { RATE_LIMIT: '0/1s' } });
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chatgate-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 700 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  console.log(`# screenshots: ${shots}`);
});
after(async () => { await context?.close(); await server?.stop(); server?.cleanup(); });

async function page(user) {
  const p = await context.newPage();
  const problems = [];
  p.on('pageerror', (e) => problems.push(`${user}: ${e.message}`));
  p.on('console', (m) => { if (m.type() === 'error') problems.push(`${user}: ${m.text()}`); });
  await p.goto(`${server.http}/#token=${tokenFor(user)}`);
  await p.locator('#status.online').waitFor({ timeout: 10000 });
  p.problems = problems;
  return p;
}
const item = (p, name) => p.locator('#conversations li', { hasText: name });
const shot = (p, name) => p.screenshot({ path: join(shots, `${name}.png`) });

test('two users chat in two pages: presence, messages, typing, unread count, edit, delete', async () => {
  const r = await api(server.http, tokenFor(alice)).post('/conversations', { type: 'group', name: 'Team', participantIds: [bob] });
  assert.equal(r.status, 201);
  const d = await api(server.http, tokenFor(alice)).post('/conversations', { type: 'direct', participantIds: [bob] });
  assert.equal(d.status, 201);

  const a = await page(alice);
  const b = await page(bob);
  await item(b, 'Team').waitFor();
  await item(a, 'Team').locator('.dot.online').waitFor({ timeout: 5000 }); // bob came online

  await item(a, 'Team').click();
  await item(b, 'Team').click();
  await a.locator('#content').pressSequentially('hello bob', { delay: 20 });
  await b.locator('#typing', { hasText: `${alice} is typing` }).waitFor({ timeout: 5000 });
  await shot(b, '1-bob-sees-typing');
  await a.locator('#content').press('Enter');
  await b.locator('.msg .text', { hasText: 'hello bob' }).waitFor();
  await b.locator('#typing:empty').waitFor({ timeout: 3000 }); // the message ended the typing

  await b.locator('#content').fill('hi alice');
  await b.locator('#content').press('Enter');
  await a.locator('.msg .text', { hasText: 'hi alice' }).waitFor();

  // Reactions: alice picks 👍 on bob's message, bob sees "👍 1" and joins it, alice sees "👍 2";
  // alice takes hers back and bob's page shows "👍 1" again (message:reaction both ways).
  const onBob = a.locator('.msg', { hasText: 'hi alice' });
  await onBob.hover();
  await onBob.locator('.actions .react-open').click();
  await onBob.locator('.picker.open .pick[data-emoji="👍"]').click();
  await onBob.locator('.reaction.mine[data-emoji="👍"]', { hasText: '👍 1' }).waitFor({ timeout: 5000 });
  const chipForBob = b.locator('.msg', { hasText: 'hi alice' }).locator('.reaction[data-emoji="👍"]');
  await chipForBob.filter({ hasText: '👍 1' }).waitFor({ timeout: 5000 });
  await chipForBob.click();
  await onBob.locator('.reaction[data-emoji="👍"]', { hasText: '👍 2' }).waitFor({ timeout: 5000 });
  await shot(a, '1b-alice-sees-reaction');
  await onBob.locator('.reaction[data-emoji="👍"]').click();
  await chipForBob.filter({ hasText: '👍 1' }).waitFor({ timeout: 5000 });
  assert.equal(await b.locator('.msg', { hasText: 'hi alice' }).locator('.reaction.mine').count(), 1);

  // Unread: alice writes in the direct conversation while bob looks at Team.
  const direct = b.locator(`#conversations li[data-id="${d.body.id}"]`);
  await a.locator(`#conversations li[data-id="${d.body.id}"]`).click();
  await a.locator('#content').fill('psst');
  await a.locator('#content').press('Enter');
  await direct.locator('.badge', { hasText: '1' }).waitFor({ timeout: 5000 });
  await shot(b, '2-bob-unread');
  await direct.click();
  await b.locator('.msg .text', { hasText: 'psst' }).waitFor();
  await direct.locator('.badge[data-unread="0"]').waitFor({ state: 'attached', timeout: 5000 });
  // Opening it marked it read on the server (contract §8), not only in the page.
  const seen = await api(server.http, tokenFor(bob)).get(`/conversations/${d.body.id}`);
  assert.equal(seen.body.unreadCount, 0);
  assert.equal(seen.body.lastReadSeq, 1);

  // alice edits then deletes her message; bob's page follows.
  const mine = a.locator('.msg.mine', { hasText: 'psst' });
  a.once('dialog', (dlg) => dlg.accept('psst (edited)'));
  await mine.hover();
  await mine.locator('.actions button', { hasText: 'edit' }).click();
  await b.locator('.msg .text', { hasText: 'psst (edited)' }).waitFor();
  a.once('dialog', (dlg) => dlg.accept());
  await mine.hover();
  await mine.locator('.actions button', { hasText: 'delete' }).click();
  await b.locator('.msg.deleted .text', { hasText: 'message deleted' }).waitFor();
  await shot(a, '3-alice-after-delete');

  assert.deepEqual([...a.problems, ...b.problems], []);
  await a.close();
  await b.close();
});

test('unread counts come from the server: shown on load, cleared by opening, kept after a reload', async () => {
  const carol = `carol-${run}`;
  const g = await api(server.http, tokenFor(alice)).post('/conversations', { type: 'group', name: 'Backlog', participantIds: [carol] });
  assert.equal(g.status, 201);
  for (const content of ['one', 'two', 'three'])
    assert.equal((await api(server.http, tokenFor(alice)).post(`/conversations/${g.body.id}/messages`, { content })).status, 201);
  const c = await page(carol);
  const backlog = c.locator(`#conversations li[data-id="${g.body.id}"]`);
  await backlog.locator('.badge[data-unread="3"]').waitFor({ timeout: 5000 }); // before any socket event
  await shot(c, '4-carol-unread-from-server');
  await backlog.click();
  await c.locator('.msg .text', { hasText: 'three' }).waitFor();
  await backlog.locator('.badge[data-unread="0"]').waitFor({ state: 'attached', timeout: 5000 });
  // Another message while carol looks elsewhere counts again; the server agrees after a reload.
  await c.evaluate(() => closeConversation());
  assert.equal((await api(server.http, tokenFor(alice)).post(`/conversations/${g.body.id}/messages`, { content: 'four' })).status, 201);
  await backlog.locator('.badge[data-unread="1"]').waitFor({ timeout: 5000 });
  await c.reload();
  await c.locator('#status.online').waitFor({ timeout: 10000 });
  await c.locator(`#conversations li[data-id="${g.body.id}"] .badge[data-unread="1"]`).waitFor({ timeout: 5000 });
  await shot(c, '5-carol-unread-after-reload');
  assert.deepEqual(c.problems, []);
  await c.close();
});

test('infinite scroll back loads older messages page by page', async () => {
  const u = `scroll-${run}`;
  const rest = api(server.http, tokenFor(u));
  const c = (await rest.post('/conversations', { type: 'group', name: 'Long', participantIds: [bob] })).body;
  for (let i = 1; i <= 75; ++i) {
    const r = await rest.post(`/conversations/${c.id}/messages`, { content: `line ${i}` });
    assert.equal(r.status, 201);
  }
  const p = await page(u);
  await item(p, 'Long').click();
  await p.locator('.msg .text', { hasText: /^line 75$/ }).waitFor();
  assert.equal(await p.locator('.msg').count(), 30);
  for (let i = 0; i < 10 && (await p.locator('.msg').count()) < 75; ++i) {
    await p.locator('#messages').evaluate((e) => { e.scrollTop = 0; });
    await p.waitForTimeout(300);
  }
  assert.equal(await p.locator('.msg').count(), 75);
  await p.locator('.msg .text', { hasText: /^line 1$/ }).waitFor();
  await p.close();
});

test('the page reconnects by itself after a server restart and hears the room again', async () => {
  const u = `rec-${run}`;
  const rest = api(server.http, tokenFor(alice));
  const c = (await rest.post('/conversations', { type: 'group', name: 'Restart', participantIds: [u] })).body;
  const p = await page(u);
  await item(p, 'Restart').click();
  const ports = { httpPort: Number(new URL(server.http).port), wsPort: Number(new URL(server.ws).port) };
  await server.stop();
  await p.locator('#status:not(.online)').waitFor({ timeout: 5000 });
  server = await start({ ...ports, env: { RATE_LIMIT: '0/1s' }, dbPath: server.dbPath, dir: server.dir });
  await p.locator('#status.online').waitFor({ timeout: 15000 });
  await p.locator('#conversations li', { hasText: 'Restart' }).waitFor();
  await api(server.http, tokenFor(alice)).post(`/conversations/${c.id}/messages`, { content: 'after the restart' });
  await p.locator('.msg .text', { hasText: 'after the restart' }).waitFor({ timeout: 5000 });
  await shot(p, '4-after-reconnect');
  await p.close();
});

test('the page and the bundle are served by chatgate with their content types; --no-web turns them off', async () => {
  const index = await fetch(`${server.http}/`);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  const bundle = await fetch(`${server.http}/socket.io.min.js`);
  assert.equal(bundle.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(await bundle.text(), /Socket\.IO v4\./);
  for (const path of ['/%2e%2e/README.md', '/..%2fREADME.md', '/web/app.js', '/app.js%00', '/index.html/']) {
    const r = await fetch(`${server.http}${path}`);
    assert.equal(r.status, 404, path);
  }
  const off = await start({ args: ['--no-web'] });
  try {
    assert.equal((await fetch(`${off.http}/`)).status, 404);
    assert.equal((await fetch(`${off.http}/socket.io.min.js`)).status, 404);
    assert.equal((await fetch(`${off.http}/api/v1/openapi.json`)).status, 200);
  } finally { await off.stop(); off.cleanup(); }
});
