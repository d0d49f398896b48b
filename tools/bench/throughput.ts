/**
 * Phase 4: requests per second through the local gateway to one warm instance of a function (one
 * connection: an instance serves one request at a time, as on Lambda) against a bare node:http server
 * making the same raw DynamoDB calls. The servers run side by side and take turns (2 s each), so
 * that drift in the machine's load hits them alike; the ratio is the median of the turns'. A third
 * server, the same gateway calling the handler on its own thread, shows what of the gap is the worker
 * thread hop. Every answer must be a 200.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../local/dynamodb.ts';
import type { RawCalls } from './capture.ts';
import { median, progress, ratio, round, type Statuses } from './stats.ts';

const TURNS = process.env.BENCH_QUICK === '1' ? 2 : 5;
const TURN_SECONDS = 2;

async function start(kind: 'gateway' | 'in-thread' | 'bare', rawCalls: RawCalls): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = fork(resolve(import.meta.dirname, 'servers.ts'), [kind, String(port)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RAW_CALLS: JSON.stringify(rawCalls) },
    stdio: 'ignore',
  });
  await new Promise((ready) => child.once('message', ready));
  return { port, child };
}

interface Turn {
  requests: number;
  seconds: number;
  latencies: { p50: number; p99: number };
  statuses: Statuses;
}

async function turn(kind: string, port: number, path: string, headers: Record<string, string>, seconds: number): Promise<Turn> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, headers, connections: 1, duration: seconds });
  const statuses: Statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats?.count ?? 0]));
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) throw new Error(`${kind}: ${JSON.stringify(statuses)}, ${result.errors} errors`);
  return { requests: result.requests.total, seconds, latencies: { p50: result.latency.p50, p99: result.latency.p99 }, statuses };
}

const summary = (turns: Turn[]) => {
  const statuses: Statuses = {};
  for (const t of turns) for (const [status, count] of Object.entries(t.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const seconds = turns.reduce((sum, t) => sum + t.seconds, 0);
  return {
    requests_per_second: round(turns.reduce((sum, t) => sum + t.requests, 0) / seconds, 0),
    p50_ms: median(turns.map((t) => t.latencies.p50)),
    p99_ms: median(turns.map((t) => t.latencies.p99)),
    statuses,
  };
};

export async function measureThroughput(route: string, path: string, headers: Record<string, string>, rawCalls: RawCalls) {
  const servers = { gateway: await start('gateway', rawCalls), inThread: await start('in-thread', rawCalls), bare: await start('bare', rawCalls) };
  try {
    // Warm-up: the instance's cold start, the JIT of both.
    for (const [kind, { port }] of Object.entries(servers)) await turn(kind, port, path, headers, 2);
    const turns: { gateway: Turn; inThread: Turn; bare: Turn }[] = [];
    for (let i = 0; i < TURNS; i++) {
      const gateway = await turn('gateway', servers.gateway.port, path, headers, TURN_SECONDS);
      const inThread = await turn('in-thread', servers.inThread.port, path, headers, TURN_SECONDS);
      const bare = await turn('bare', servers.bare.port, path, headers, TURN_SECONDS);
      turns.push({ gateway, inThread, bare });
    }
    const result = {
      route,
      connections: 1,
      seconds: TURNS * TURN_SECONDS,
      turns: TURNS,
      gateway: summary(turns.map((t) => t.gateway)),
      bare: summary(turns.map((t) => t.bare)),
      in_thread: summary(turns.map((t) => t.inThread)),
      ratio: ratio(median(turns.map((t) => t.gateway.requests / t.bare.requests)), 1),
      in_thread_ratio: ratio(median(turns.map((t) => t.inThread.requests / t.bare.requests)), 1),
    };
    progress(
      `   gateway ${result.gateway.requests_per_second} req/s, bare ${result.bare.requests_per_second} req/s (${result.ratio}×, the median of ${TURNS} turns); the gateway with the handler on its own thread ${result.in_thread.requests_per_second} req/s (${result.in_thread_ratio}×)`,
    );
    return result;
  } finally {
    for (const { child } of Object.values(servers)) child.kill();
  }
}
