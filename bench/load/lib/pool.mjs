// Client worker processes (node:child_process), so that the generator is not one node event loop
// the server can outrun. Each worker holds its share of sockets and answers requests by id.
import { fork } from 'node:child_process';

const WORKER = new URL('../client_worker.mjs', import.meta.url).pathname;

export class pool {
  /** Forks `count` workers. */
  constructor(count) {
    this.workers = [];
    for (let i = 0; i < count; i++) {
      const child = fork(WORKER, [String(i)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const w = { child, next: 1, pending: new Map() };
      child.on('message', (m) => {
        const p = w.pending.get(m.id);
        if (!p) return;
        w.pending.delete(m.id);
        if (m.ok) p.resolve(m.result); else p.reject(new Error(`worker ${i}: ${m.error}`));
      });
      child.on('exit', (code) => {
        for (const p of w.pending.values()) p.reject(new Error(`worker ${i} exited with ${code}`));
        w.pending.clear();
      });
      this.workers.push(w);
    }
  }

  get size() { return this.workers.length; }

  /** Sends `cmd` with `args` to worker `i`; resolves with its result. */
  call(i, cmd, args = {}) {
    const w = this.workers[i];
    const id = w.next++;
    return new Promise((resolve, reject) => {
      w.pending.set(id, { resolve, reject });
      w.child.send({ id, cmd, args });
    });
  }

  /** The same command to every worker, args chosen per worker; resolves with all results. */
  all(cmd, argsFor = () => ({})) {
    return Promise.all(this.workers.map((_, i) => this.call(i, cmd, argsFor(i))));
  }

  /** Closes every worker's sockets and ends the workers. */
  async close() {
    await Promise.allSettled(this.workers.map((_, i) => this.call(i, 'close')));
    for (const w of this.workers) w.child.kill();
  }
}
