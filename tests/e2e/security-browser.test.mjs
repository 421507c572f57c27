// Contract §9, origins, in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core) loads a page from a small node server and runs the official socket.io-client
// browser bundle in it. A page from an origin that ALLOWED_ORIGINS does not list cannot open a
// websocket (nor polling, nor REST); the same page from the listed origin connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { start, freePort } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUNDLE = readFileSync(new URL('./node_modules/socket.io-client/dist/socket.io.min.js', import.meta.url));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A page server on 127.0.0.1: `/` is the test page, `/socket.io.min.js` the client bundle. */
async function pageServer() {
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    if (req.url === '/socket.io.min.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      return res.end(BUNDLE);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>chatgate origin test</title><pre id="out">loading</pre>'
      + '<script src="/socket.io.min.js"></script>');
  });
  await new Promise((resolve) => srv.listen(port, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(r)) };
}

/** Runs in the page: connects with `transports` and resolves with what happened. */
function tryConnect({ url, token, transports }) {
  return new Promise((resolve) => {
    // eslint-disable-next-line no-undef
    const s = io(url, { transports, auth: { token }, reconnection: false, timeout: 4000, forceNew: true });
    const done = (what) => {
      document.getElementById('out').textContent += `\n${transports}: ${what}`;
      s.close();
      resolve(what);
    };
    s.on('connected', (c) => done(`connected as ${c.userId}`));
    s.on('connect_error', (e) => done(`connect_error: ${e.message}`));
    s.on('error', (e) => done(`error: ${e.code}`));
    setTimeout(() => done('timeout'), 6000);
  });
}

/** Runs in the page: a REST call; resolves with its status or the fetch failure. */
async function tryRest({ url, token }) {
  try {
    const r = await fetch(`${url}/api/v1/conversations`, { headers: { authorization: `Bearer ${token}` } });
    return `status ${r.status}`;
  } catch (e) {
    return `blocked: ${e.message}`;
  }
}

test('headless Chromium: a foreign origin cannot open a websocket; the listed origin can', { timeout: 90_000 }, async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: scripts/install-deps.sh --test installs Debian's chromium`);
  const allowedPage = await pageServer();
  const foreignPage = await pageServer();
  const server = await start({ env: { ALLOWED_ORIGINS: allowedPage.origin } });
  const profile = mkdtempSync(join(tmpdir(), 'chatgate-chromium-'));
  const context = await chromium.launchPersistentContext(join(profile, 'user-data'), {
    executablePath: CHROMIUM, headless: true, args: FLAGS,
  });
  try {
    const page = await context.newPage();
    const token = tokenFor('browser-user');

    await page.goto(`${foreignPage.origin}/`);
    const foreignWs = await page.evaluate(tryConnect, { url: server.ws, token, transports: ['websocket'] });
    const foreignPoll = await page.evaluate(tryConnect, { url: server.ws, token, transports: ['polling'] });
    const foreignRest = await page.evaluate(tryRest, { url: server.http, token });
    await page.screenshot({ path: join(profile, 'foreign-origin.png') });
    t.diagnostic(`foreign ${foreignPage.origin}: websocket "${foreignWs}", polling "${foreignPoll}", REST "${foreignRest}"`);
    assert.match(foreignWs, /^connect_error/);
    assert.match(foreignPoll, /^connect_error/);
    assert.match(foreignRest, /^blocked/);
    const metrics = await (await fetch(`${server.http}/metrics`)).text();
    assert.match(metrics, /^chatgate_engineio_sessions_opened_total 0$/m);
    assert.match(metrics, /^chatgate_engineio_origin_refused_total [1-9]/m);

    await page.goto(`${allowedPage.origin}/`);
    const allowedWs = await page.evaluate(tryConnect, { url: server.ws, token, transports: ['websocket'] });
    const allowedPoll = await page.evaluate(tryConnect, { url: server.ws, token, transports: ['polling'] });
    const allowedRest = await page.evaluate(tryRest, { url: server.http, token });
    const shot = join(profile, 'allowed-origin.png');
    await page.screenshot({ path: shot });
    t.diagnostic(`allowed ${allowedPage.origin}: websocket "${allowedWs}", polling "${allowedPoll}", REST "${allowedRest}"; screenshots in ${profile}`);
    assert.equal(allowedWs, 'connected as browser-user');
    assert.equal(allowedPoll, 'connected as browser-user');
    assert.equal(allowedRest, 'status 200');
    assert.ok(statSync(shot).size > 1000);
  } finally {
    await context.close();
    await server.stop();
    server.cleanup();
    await allowedPage.close();
    await foreignPage.close();
    if (!process.env.CHATGATE_KEEP_SCREENSHOTS) rmSync(profile, { recursive: true, force: true });
  }
});
