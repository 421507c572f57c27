// Socket.IO helpers for the gateway tests: the official socket.io-client 4.x, no reconnection,
// one Manager per socket, and promise forms of "wait for this event" / "emit with ack".
import { io } from 'socket.io-client';

const WAIT_MS = 4000;

/** A socket to `url` (not awaited). `opts` go to io() as given. */
export function socketTo(url, opts = {}) {
  return io(url, { forceNew: true, reconnection: false, timeout: WAIT_MS, ...opts });
}

/** The next `event` on `socket` (matching `filter`), or a rejection after `ms`. */
export function waitFor(socket, event, { ms = WAIT_MS, filter = () => true } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no '${event}' within ${ms} ms`));
    }, ms);
    function on(...args) {
      if (!filter(...args)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(args[0]);
    }
    socket.on(event, on);
  });
}

/** Every payload of `event` from now on, in arrival order. */
export function collect(socket, event) {
  const got = [];
  socket.on(event, (p) => got.push(p));
  return got;
}

/** Resolves after `ms` if `list` (from collect) gained no entry matching `filter`; else rejects. */
export async function expectNone(list, ms = 300, filter = () => true, what = 'event') {
  const before = list.filter(filter).length;
  await new Promise((r) => setTimeout(r, ms));
  const after = list.filter(filter);
  if (after.length !== before) throw new Error(`unexpected ${what}: ${JSON.stringify(after.slice(before))}`);
}

/** emit with an ack; resolves with the ack's first argument, rejects on timeout. */
export function ask(socket, event, payload, ms = WAIT_MS) {
  return payload === undefined
    ? socket.timeout(ms).emitWithAck(event)
    : socket.timeout(ms).emitWithAck(event, payload);
}

/**
 * Connects with `token` in auth (unless `opts.auth` etc. say otherwise) and resolves with
 * { socket, connected } once the gateway's `connected` event arrived; rejects with the `error`
 * payload (as err.payload) or on a disconnect first.
 */
export function connectAs(url, token, opts = {}) {
  const socket = socketTo(url, token === undefined ? opts : { auth: { token }, ...opts });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no connected event')), WAIT_MS);
    const onError = (payload) => {
      const e = new Error(`error event: ${JSON.stringify(payload)}`);
      e.payload = payload;
      fail(e);
    };
    const onConnected = (connected) => { done(); resolve({ socket, connected }); };
    function done() {
      clearTimeout(timer);
      socket.off('connected', onConnected).off('error', onError).off('connect_error', fail);
    }
    function fail(err) { done(); socket.close(); reject(err); }
    socket.on('connected', onConnected);
    socket.on('error', onError);
    socket.on('connect_error', fail);
  });
}

/** Resolves with the disconnect reason of `socket` (immediately if already disconnected). */
export function disconnected(socket, ms = WAIT_MS) {
  if (!socket.connected && socket.io.engine?.readyState === 'closed') return Promise.resolve('closed');
  return waitFor(socket, 'disconnect', { ms });
}

/** Closes every socket given. */
export function closeAll(...sockets) {
  for (const s of sockets.flat()) s?.close();
}
