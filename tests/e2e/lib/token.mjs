// Mints HS256 JWTs with node:crypto (the test side of contract §2), so tests need no JWT package.
import { createHmac } from 'node:crypto';
import { SECRET } from './server.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export function sign(payload, { secret = SECRET, alg = 'HS256', header = {} } = {}) {
  const h = b64url(JSON.stringify({ alg, typ: 'JWT', ...header }));
  const p = b64url(JSON.stringify(payload));
  if (alg === 'none') return `${h}.${p}.`;
  const sig = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  return `${h}.${p}.${b64url(sig)}`;
}

/** A valid token for `userId` (claim `sub`), one hour long unless `ttlSec` says otherwise. */
export function tokenFor(userId, { ttlSec = 3600, claims = {}, secret } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: userId, iat: now, exp: now + ttlSec, ...claims }, { secret });
}
