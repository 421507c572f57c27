// Redis for the cluster tests: the URL scripts/test.sh exports (a throwaway server started with
// scripts/redis.sh), and a node-redis client for checking keys.
import { createClient } from 'redis';

export const REDIS_URL = process.env.CHATGATE_TEST_REDIS_URL;
export const PG_URL = process.env.CHATGATE_TEST_PG_URL;

/** A connected node-redis client (call .quit() when done). */
export async function redisClient() {
  const c = createClient({ url: REDIS_URL });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Polls `fn` until it returns a truthy value or `ms` pass; resolves with that value. */
export async function eventually(fn, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached within ${ms} ms (last: ${JSON.stringify(last)})`);
}
