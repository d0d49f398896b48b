/**
 * Phase 4: requests per second through the local gateway to one warm instance of a function (one
 * connection: an instance serves one request at a time, as on Lambda) against a bare node:http server
 * making the same raw DynamoDB calls. Every answer must be a 200.
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../local/dynamodb.ts';
import type { RawCalls } from './capture.ts';
import { progress, ratio, round, type Statuses } from './stats.ts';

const SECONDS = 10;

async function serve(kind: 'gateway' | 'bare', path: string, headers: Record<string, string>, rawCalls: RawCalls) {
  const port = await freePort();
  const child = fork(resolve(import.meta.dirname, 'servers.ts'), [kind, String(port)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RAW_CALLS: JSON.stringify(rawCalls) },
    stdio: 'ignore',
  });
  try {
    await new Promise((ready) => child.once('message', ready));
    const url = `http://127.0.0.1:${port}${path}`;
    await autocannon({ url, headers, connections: 1, duration: 2 }); // warm-up: the instance's cold start, the JIT
    const result = await autocannon({ url, headers, connections: 1, duration: SECONDS });
    const statuses: Statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats?.count ?? 0]));
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) throw new Error(`${kind}: ${JSON.stringify(statuses)}, ${result.errors} errors`);
    return { requests_per_second: round(result.requests.average, 0), p50_ms: result.latency.p50, p99_ms: result.latency.p99, statuses };
  } finally {
    child.kill();
  }
}

export async function measureThroughput(route: string, path: string, headers: Record<string, string>, rawCalls: RawCalls) {
  const gateway = await serve('gateway', path, headers, rawCalls);
  const bare = await serve('bare', path, headers, rawCalls);
  const result = { route, connections: 1, seconds: SECONDS, gateway, bare, ratio: ratio(gateway.requests_per_second, bare.requests_per_second) };
  progress(`   gateway ${gateway.requests_per_second} req/s, bare ${bare.requests_per_second} req/s (${result.ratio}×)`);
  return result;
}
