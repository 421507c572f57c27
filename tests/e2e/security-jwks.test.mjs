// Contract §9, identity providers: JWT_JWKS_URL. A local JWKS server started here (node:http,
// keys made with node:crypto) serves RS256 and ES256 keys; tokens are signed here. Covers key
// rotation without restart, a provider that is down at start, the unknown-kid refresh limit,
// and attacks: a forged kid, a key from another JWKS, an alg switch to HS256 with the public
// key as secret. chatgate answers an unknown kid UNAUTHORIZED at once and refreshes in the
// background (docs/security.md), so a rotated key works from the first request after the fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { generateKeyPairSync, sign as cryptoSign, createHmac } from 'node:crypto';
import { start, freePort } from './lib/server.mjs';
import { api } from './lib/rest.mjs';
import { connectAs, closeAll } from './lib/socket.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64url = (b) => Buffer.from(b).toString('base64url');

function rsaKey(kid) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg: 'RS256', publicKey, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}
function ecKey(kid) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg: 'ES256', publicKey, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' } };
}

/** A JWT for `sub` signed with `key` (its kid and alg unless `header` overrides them). */
function jwt(sub, key, { header = {}, ttlSec = 3600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const h = b64url(JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header }));
  const p = b64url(JSON.stringify({ sub, iat: now, exp: now + ttlSec }));
  const input = `${h}.${p}`;
  const sig = key.alg === 'ES256'
    ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${b64url(sig)}`;
}

/** The JWKS provider: serves { keys } at /jwks.json, counts requests, can go down. */
async function provider({ keys, cacheControl = 'max-age=3600', port } = {}) {
  const state = { keys, requests: 0, down: false, cacheControl };
  const srv = http.createServer((req, res) => {
    state.requests++;
    if (state.down) { res.writeHead(503); return res.end(); }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': state.cacheControl });
    res.end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }));
  });
  port ??= await freePort();
  await new Promise((resolve) => srv.listen(port, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${port}/jwks.json`;
  state.close = () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); });
  return state;
}

// start(), closing the key provider when the server cannot start: an open provider would keep
// the test process alive after the failure.
async function startWith(idp, opts) {
  try {
    return await start(opts);
  } catch (e) {
    await idp.close();
    throw e;
  }
}

const jwksEnv = (url, extra = {}) => ({ JWT_SECRET: '', JWT_JWKS_URL: url, ...extra });

async function until(cond, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await cond()) return true; await sleep(100); }
  return false;
}

test('RS256 and ES256 tokens are checked with the JWKS key their kid names; /ready is 200', async () => {
  const rsa = rsaKey('rsa-1'), ec = ecKey('ec-1');
  const idp = await provider({ keys: [rsa, ec] });
  const server = await startWith(idp, { env: jwksEnv(idp.url) });
  try {
    assert.ok(await until(async () => (await fetch(`${server.http}/ready`)).status === 200));
    assert.equal((await api(server.http, jwt('alice', rsa)).get('/conversations')).status, 200);
    assert.equal((await api(server.http, jwt('bob', ec)).get('/conversations')).status, 200);
    const c = await connectAs(server.ws, jwt('carol', ec), { transports: ['websocket'] });
    assert.equal(c.connected.userId, 'carol');
    closeAll(c.socket);
    const m = await (await fetch(`${server.http}/metrics`)).text();
    assert.match(m, /^chatgate_jwks_keys 2$/m);
  } finally {
    await server.stop();
    server.cleanup();
    await idp.close();
  }
});

test('attacks: forged kid, key from another JWKS, HS256 with the public key, kid/alg mismatch: all UNAUTHORIZED, nothing joined', async () => {
  const rsa = rsaKey('rsa-1'), ec = ecKey('ec-1');
  const idp = await provider({ keys: [rsa, ec] });
  const server = await startWith(idp, { env: jwksEnv(idp.url) });
  try {
    assert.ok(await until(async () => (await fetch(`${server.http}/ready`)).status === 200));
    const other = rsaKey('rsa-1');  // same kid, from another provider's JWKS
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' });
    const hsInput = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' }))}.${b64url(JSON.stringify({ sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 3600 }))}`;
    const attacks = {
      'forged kid': jwt('mallory', { ...rsaKey('nope'), kid: 'forged-kid' }),
      'key from another JWKS': jwt('mallory', other),
      'HS256 signed with the public key': `${hsInput}.${b64url(createHmac('sha256', pem).update(hsInput).digest())}`,
      'ES256 header on the RSA kid': jwt('mallory', ec, { header: { kid: 'rsa-1' } }),
      'no kid': jwt('mallory', rsa, { header: { kid: undefined } }),
      'alg none': `${b64url(JSON.stringify({ alg: 'none', kid: 'rsa-1' }))}.${b64url(JSON.stringify({ sub: 'mallory' }))}.`,
    };
    for (const [name, token] of Object.entries(attacks)) {
      const rest = await api(server.http, token).get('/conversations');
      assert.equal(rest.status, 401, name);
      assert.equal(rest.body.code, 'UNAUTHORIZED', name);
      await assert.rejects(connectAs(server.ws, token, { transports: ['websocket'] }),
        (e) => e.payload?.code === 'UNAUTHORIZED', name);
    }
    const online = await api(server.http, jwt('watcher', rsa)).post('/presence', { userIds: ['mallory'] });
    assert.deepEqual(online.body.online, []);
  } finally {
    await server.stop();
    server.cleanup();
    await idp.close();
  }
});

test('key rotation at the provider is picked up without a restart', async () => {
  const oldKey = rsaKey('2026-old'), newKey = ecKey('2026-new');
  const idp = await provider({ keys: [oldKey] });
  const server = await startWith(idp, { env: jwksEnv(idp.url, { JWT_JWKS_MIN_REFRESH_MS: '1000' }) });
  try {
    assert.ok(await until(async () => (await api(server.http, jwt('alice', oldKey)).get('/conversations')).status === 200));
    idp.keys = [newKey];  // rotation: the old key is withdrawn
    const fresh = jwt('alice', newKey);
    // The first use of the new kid triggers the refresh; within the refresh interval it works.
    assert.ok(await until(async () => (await api(server.http, fresh).get('/conversations')).status === 200, 6000),
      'new key never accepted');
    const c = await connectAs(server.ws, fresh, { transports: ['websocket'] });
    closeAll(c.socket);
    assert.equal((await api(server.http, jwt('alice', oldKey)).get('/conversations')).status, 401);
    assert.equal(server.proc.exitCode, null);  // same process throughout
  } finally {
    await server.stop();
    server.cleanup();
    await idp.close();
  }
});

test('provider down at start: chatgate serves, /ready names jwks, tokens refused; keys load once it is up', async () => {
  const key = rsaKey('k1');
  const port = await freePort();  // nothing listens yet
  const server = await start({ env: jwksEnv(`http://127.0.0.1:${port}/jwks.json`) });
  let idp;
  try {
    assert.equal((await fetch(`${server.http}/health`)).status, 200);
    const ready = await fetch(`${server.http}/ready`);
    assert.equal(ready.status, 503);
    assert.match(JSON.stringify(await ready.json()), /jwks/);
    assert.equal((await api(server.http, jwt('alice', key)).get('/conversations')).status, 401);
    idp = await provider({ keys: [key], port });
    assert.ok(await until(async () => (await fetch(`${server.http}/ready`)).status === 200, 10000), 'never ready');
    assert.equal((await api(server.http, jwt('alice', key)).get('/conversations')).status, 200);
    // Down again: the loaded keys stay in use.
    idp.down = true;
    assert.equal((await api(server.http, jwt('alice', key)).get('/conversations')).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
    await idp?.close();
  }
});

test('a storm of unknown kids fetches the JWKS at most once per 30 s', async () => {
  const key = rsaKey('k1');
  const idp = await provider({ keys: [key] });
  const server = await startWith(idp, { env: jwksEnv(idp.url) });
  try {
    assert.ok(await until(async () => (await fetch(`${server.http}/ready`)).status === 200));
    const before = idp.requests;
    assert.equal(before, 1);
    const t0 = Date.now();
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      api(server.http, jwt('storm', { ...key, kid: `unknown-${i}` })).get('/conversations').then((r) => r.status)));
    assert.ok(statuses.every((s) => s === 401));
    await sleep(500);
    // The start-up fetch was less than 30 s ago: the storm may not cause another.
    assert.equal(idp.requests, before, `fetches during the storm: ${idp.requests - before} in ${Date.now() - t0} ms`);
  } finally {
    await server.stop();
    server.cleanup();
    await idp.close();
  }
});

test('unknown-kid refreshes are spaced by JWT_JWKS_MIN_REFRESH_MS; Cache-Control max-age drives refreshes', async () => {
  const key = rsaKey('k1');
  const idp = await provider({ keys: [key] });
  const server = await startWith(idp, { env: jwksEnv(idp.url, { JWT_JWKS_MIN_REFRESH_MS: '1000' }) });
  try {
    assert.ok(await until(async () => (await fetch(`${server.http}/ready`)).status === 200));
    const t0 = Date.now();
    const before = idp.requests;
    let i = 0;
    while (Date.now() - t0 < 3000) {
      await Promise.all(Array.from({ length: 20 }, () =>
        api(server.http, jwt('storm', { ...key, kid: `u-${i++}` })).get('/conversations')));
    }
    const elapsed = Date.now() - t0;
    const fetched = idp.requests - before;
    assert.ok(fetched >= 1, 'an unknown kid never caused a refresh');
    assert.ok(fetched <= Math.floor(elapsed / 1000) + 1, `${fetched} fetches in ${elapsed} ms for ${i} unknown kids`);
    // max-age=1 (raised to the 1 s minimum): the document is fetched again about every second.
    idp.cacheControl = 'max-age=1';
    // An unknown kid once the spacing allows, so that a fetch brings the new max-age.
    const seen = idp.requests;
    assert.ok(await until(async () => {
      await api(server.http, jwt('storm', { ...key, kid: `again-${i++}` })).get('/conversations');
      return idp.requests > seen;
    }, 5000), 'no refresh after an unknown kid');
    await sleep(200);
    const base = idp.requests;
    await sleep(3300);
    assert.ok(idp.requests - base >= 2, `max-age refreshes: ${idp.requests - base}`);
  } finally {
    await server.stop();
    server.cleanup();
    await idp.close();
  }
});

test('https provider: a certificate the system does not trust is refused; a trusted one (SSL_CERT_FILE) works', async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const https = await import('node:https');
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-jwks-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const key = ecKey('tls-1');
  let requests = 0;
  const srv = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [key.jwk] }));
  });
  const port = await freePort();
  await new Promise((resolve) => srv.listen(port, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${port}/jwks.json`;
  const closeSrv = { close: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); }) };
  const untrusted = await startWith(closeSrv, { env: jwksEnv(url, { SSL_CERT_FILE: join(dir, 'none.pem') }) });
  const trusted = await startWith({ close: async () => { await untrusted.stop(); untrusted.cleanup(); await closeSrv.close(); } },
    { env: jwksEnv(url, { SSL_CERT_FILE: join(dir, 'cert.pem') }) });
  try {
    assert.ok(await until(async () => (await fetch(`${trusted.http}/ready`)).status === 200), 'trusted never ready');
    assert.equal((await api(trusted.http, jwt('alice', key)).get('/conversations')).status, 200);
    await sleep(1500);
    assert.equal((await fetch(`${untrusted.http}/ready`)).status, 503);
    assert.equal((await api(untrusted.http, jwt('alice', key)).get('/conversations')).status, 401);
    const m = await (await fetch(`${untrusted.http}/metrics`)).text();
    assert.match(m, /^chatgate_jwks_fetch_failures_total [1-9]/m);
  } finally {
    await untrusted.stop();
    untrusted.cleanup();
    await trusted.stop();
    trusted.cleanup();
    srv.closeAllConnections?.();
    await new Promise((r) => srv.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
