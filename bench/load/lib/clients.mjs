// Spreads socket specs over the client workers and mints their tokens.
import { tokenFor } from '../../../tests/e2e/lib/token.mjs';
import { SECRET } from './server.mjs';

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A 24-hour HS256 token for `user`, signed with the bench server's secret. */
export function token(user) { return tokenFor(user, { ttlSec: 86400, secret: SECRET }); }

/**
 * Round-robin placement: returns { perWorker: spec[][], where: [{worker, slot}] } for `specs`
 * ({user, convs}); each spec gains its token and its slot in its worker.
 */
export function place(specs, workers) {
  const perWorker = Array.from({ length: workers }, () => []);
  const where = specs.map((spec, i) => {
    const worker = i % workers;
    const slot = perWorker[worker].length;
    perWorker[worker].push({ ...spec, token: token(spec.user), slot });
    return { worker, slot };
  });
  return { perWorker, where };
}

/** Connects every placed spec; throws unless all connected. */
export async function connectAll(pool, url, perWorker, { transport, concurrency, allowFailures = false }) {
  const started = nowMs();
  const results = await pool.all('connect', (i) => ({ url, transport, specs: perWorker[i], concurrency }));
  const wallMs = nowMs() - started;
  const connected = results.reduce((s, r) => s + r.connected, 0);
  const failed = results.reduce((s, r) => s + r.failed, 0);
  if (failed && !allowFailures) throw new Error(`${failed} sockets failed to connect: ${results.flatMap((r) => r.errors).join('; ')}`);
  return { results, wallMs, connected, failed, errors: results.flatMap((r) => r.errors) };
}
