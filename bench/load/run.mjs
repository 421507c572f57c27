#!/usr/bin/env node
// chatgate load benchmark: starts the real binary per scenario, drives it with the official
// socket.io-client from worker processes, prints a table and writes JSON to results/.
// Usage: node run.mjs [--scenarios connections,fanout,fanout-max,rest-to-socket] [--help]
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { startServer, DEFAULT_BIN } from './lib/server.mjs';
import { pool as workerPool } from './lib/pool.mjs';
import { DEFAULT_LOADGEN } from './lib/native.mjs';
import { connections } from './scenarios/connections.mjs';
import { fanout } from './scenarios/fanout.mjs';
import { loadgenCheck } from './scenarios/loadgen_check.mjs';
import { idleNative } from './scenarios/idle_native.mjs';
import { idleGroups } from './scenarios/idle_groups.mjs';
import { printResult, printComparison } from './lib/table.mjs';
import { execFileSync } from 'node:child_process';

const options = {
  scenarios: { type: 'string', default: 'connections,fanout,fanout-max,rest-to-socket' },
  servers: { type: 'string', default: 'chatgate,node' },    // chatgate@2: IO_THREADS=2; LABEL=/path: another binary
  generator: { type: 'string', default: 'js' },         // fanout*: js (official client) or native (bench/loadgen)
  procs: { type: 'string', default: '2' },
  profile: { type: 'string' },                          // native fanout: perf stat (syscall counts) into this folder
  'perf-record': { type: 'boolean', default: false },   // with --profile: also perf record -g on chatgate (costs it a few %)              // native generator processes
  loadgen: { type: 'string', default: DEFAULT_LOADGEN }, // the native generator's binary  // chatgate and/or node (bench/reference), interleaved
  repeat: { type: 'string', default: '1' },              // runs of each scenario per server; medians printed
  bin: { type: 'string', default: process.env.CHATGATE_BIN ?? DEFAULT_BIN },
  workers: { type: 'string', default: '2' },            // client worker processes
  transport: { type: 'string', default: 'websocket' },   // polling, or polling,websocket (upgrade)
  concurrency: { type: 'string', default: '50' },        // connects in flight per worker
  connections: { type: 'string', default: '2000' },      // `connections`: sockets
  groups: { type: 'string', default: '10' },             // `fanout`: conversations
  'groups-per-user': { type: 'string', default: '20' },  // `idle-groups`: group conversations per user (of --members users)
  members: { type: 'string', default: '100' },           // `fanout`: sockets per conversation
  rate: { type: 'string', default: '100' },              // `fanout`: messages/s over all senders
  window: { type: 'string', default: '4' },              // `fanout-max`: unacked messages per sender
  duration: { type: 'string', default: '10' },           // `fanout*`: seconds of sending
  'content-bytes': { type: 'string', default: '64' },
  'db-dir': { type: 'string', default: os.tmpdir() },  // where the temporary SQLite file goes
  'pg-url': { type: 'string' },                          // server kind chatgate-pg: this PostgreSQL (default: a throwaway one, scripts/pg.sh)
  json: { type: 'string' },                              // results file (default results/<time>.json)
  help: { type: 'boolean', default: false },
};
const { values: o } = parseArgs({ options });
if (o.help) {
  console.log('node run.mjs ' + Object.entries(options).map(([k, v]) => `[--${k}${v.type === 'string' ? ` ${v.default ?? 'X'}` : ''}]`).join(' '));
  process.exit(0);
}

const num = (k) => Number(o[k]);
const common = { transport: o.transport, concurrency: num('concurrency') };
const fan = { ...common, profile: o.profile, perfRecord: o['perf-record'], generator: o.generator, procs: num('procs'), loadgen: o.loadgen, groups: num('groups'), members: num('members'), durationMs: num('duration') * 1000, contentBytes: num('content-bytes'), window: num('window') };
const scenarios = {
  connections: (ctx) => connections({ ...ctx, ...common, n: num('connections') }),
  fanout: (ctx) => fanout({ ...ctx, ...fan, rate: num('rate'), name: 'fanout' }),
  'fanout-max': (ctx) => fanout({ ...ctx, ...fan, rate: 0, name: 'fanout-max' }),
  'rest-to-socket': (ctx) => fanout({ ...ctx, ...fan, rate: num('rate'), via: 'rest', name: 'rest-to-socket' }),
  // Issue 10's shapes: rooms of 50 (1,000 sockets, one sender per room, 10 unacked), and rooms of
  // 2 with 400 senders, window 10 (acked sends/s).
  fanout50: (ctx) => fanout({ ...ctx, ...fan, groups: 20, members: 50, window: 10, rate: 0, name: 'fanout50' }),
  // fanout50 open loop at --rate messages/s in total (e.g. half of fanout50's maximum): latency.
  'fanout50-open': (ctx) => fanout({ ...ctx, ...fan, groups: 20, members: 50, rate: num('rate'), name: 'fanout50-open' }),
  idle: (ctx) => idleNative({ ...ctx, n: num('connections'), procs: num('procs'), loadgen: o.loadgen, concurrency: num('concurrency') }),
  // `idle` with every user in --groups-per-user group conversations of --members users each.
  'idle-groups': (ctx) => idleGroups({ ...ctx, n: num('connections'), procs: num('procs'), loadgen: o.loadgen, concurrency: num('concurrency'), groupsPerUser: num('groups-per-user'), members: num('members') }),
  'loadgen-check': (ctx) => loadgenCheck({ ...ctx, procs: num('procs'), loadgen: o.loadgen }),
  pairs: (ctx) => fanout({ ...ctx, ...fan, groups: 400, members: 2, window: 10, rate: 0, name: 'pairs' }),
};

const results = [];
const names = o.scenarios.split(',').filter(Boolean);
const kinds = o.servers.split(',').filter(Boolean);
for (const name of names) if (!scenarios[name]) { console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`); process.exit(2); }
// LABEL=/path: another chatgate binary under its own label (e.g. before=/tmp/chatgate-old).
const binOf = (k) => (k.includes('=') ? k.slice(k.indexOf('=') + 1) : o.bin);
const labelOf = (k) => (k.includes('=') ? k.slice(0, k.indexOf('=')) : k);
for (const k of kinds) if (k !== 'node' && !existsSync(binOf(k))) { console.error(`no chatgate binary at ${binOf(k)} for ${k}`); process.exit(2); }
// LABEL@N: that server with IO_THREADS=N (e.g. chatgate@1; chatgate alone runs its default, one per core).
const threadsOf = (k) => /@(\d+)$/.exec(labelOf(k))?.[1];
const baseOf = (k) => labelOf(k).replace(/@\d+$/, '');
// chatgate-pg: the same binary on PostgreSQL over loopback (DATABASE_URL), for the store figures.
const isPg = (k) => baseOf(k) === 'chatgate-pg' || baseOf(k).endsWith('-pg');  // e.g. before-pg=/tmp/old
let pgUrl = o['pg-url'], pgDir;
const pgScript = new URL('../../scripts/pg.sh', import.meta.url).pathname;
if (!pgUrl && kinds.some(isPg)) {
  pgDir = `${o['db-dir']}/chatgate-bench-pg-${process.pid}`;
  pgUrl = execFileSync('bash', [pgScript, 'start', pgDir], { encoding: 'utf8' }).trim();
}
// The PostgreSQL server's postmaster (its children are the backends), from its data directory;
// 0 when it cannot be read (e.g. a remote --pg-url): then PostgreSQL's CPU is not reported.
const postmasterPid = () => {
  try {
    const dir = pgDir ? `${pgDir}/data` : execFileSync('psql', [pgUrl, '-Atc', 'SHOW data_directory'], { encoding: 'utf8' }).trim();
    return Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]) || 0;
  } catch { return 0; }
};
const envOf = (k) => ({ ...(isPg(k) ? { DATABASE_URL: pgUrl } : {}), ...(threadsOf(k) ? { IO_THREADS: threadsOf(k) } : {}) });
// Interleaved: run r of every scenario on every server before run r + 1, so that a busy period of
// the shared machine hits both servers alike.
for (let rep = 1; rep <= num('repeat'); rep++) {
  for (const name of names) {
    for (const kind of kinds) {
      const server = await startServer({ kind: kind === 'node' ? 'node' : 'chatgate', bin: binOf(kind), dbDir: o['db-dir'], env: envOf(kind) });
      // PostgreSQL's own CPU (its postmaster's children) is reported beside chatgate's.
      if (isPg(kind)) server.storePid = postmasterPid();
      const pool = new workerPool(num('workers'));
      try {
        const r = { ...(await scenarios[name]({ server, pool, run: rep, label: labelOf(kind) })), server: labelOf(kind), run: rep };
        results.push(r);
        printResult(r);
        const problems = ['failed', 'ackFailed', 'ackTimeouts', 'missing', 'duplicates', 'unexpected', 'errorEvents', 'disconnects']
          .filter((k) => r[k] > 0).map((k) => `${k} ${r[k]}`);
        if (problems.length) { console.error(`${name} on ${kind}: NOT A VALID RUN: ${problems.join(', ')}`); process.exitCode = 1; }
      } catch (e) {
        console.error(`${name} on ${kind} failed: ${e.stack}\n--- server output (tail) ---\n${server.output()}`);
        process.exitCode = 1;
      } finally {
        await pool.close();
        const status = await server.stop();
        if (status.code !== 0 && kind === 'chatgate') console.error(`chatgate exited with ${JSON.stringify(status)}`);
      }
    }
  }
}
if (pgDir) execFileSync('bash', [pgScript, 'stop', pgDir]);
if (kinds.length > 1 || num('repeat') > 1) for (const name of names) printComparison(name, results.filter((r) => r.scenario === name), kinds.map(labelOf));

const meta = { date: new Date().toISOString(), bin: o.bin, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, workers: num('workers'), options: o };
const file = o.json ?? new URL(`results/${meta.date.replace(/[:.]/g, '-')}.json`, import.meta.url).pathname;
mkdirSync(new URL('results/', import.meta.url).pathname, { recursive: true });
writeFileSync(file, JSON.stringify({ meta, results }, null, 2));
console.log(`\nresults: ${file}`);
