/** Phase 2: warm latency of every read route against the raw DynamoDB calls it makes (tools/bench/warm-worker.ts). */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { RouteId } from '../../shared/routes.ts';
import type { RawCalls } from './capture.ts';
import { assertOnly, percentile, progress, ratio, round, type Statuses } from './stats.ts';
import type { WarmJob, WarmResult } from './warm-worker.ts';

export const WARM_TARGETS = { p50: 1.15, p99: 1.3 };

export interface WarmRow {
  route: RouteId;
  p50_ms: number;
  p99_ms: number;
  raw_p50_ms: number;
  raw_p99_ms: number;
  bare_get_p50_ms: number;
  p50_ratio: number;
  p99_ratio: number;
  p50_ratio_to_bare_get: number;
  raw_calls: string;
  statuses: Statuses;
}

function runWorker(job: WarmJob, environment: Record<string, string>): Promise<WarmResult> {
  // BENCH_PROFILE=dir: each route's worker writes a V8 CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(resolve(import.meta.dirname, 'warm-worker.ts'), [], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { ...process.env, ...environment },
  });
  child.send(job);
  return new Promise((done, fail) => {
    child.once('message', (result) => done(result as WarmResult));
    child.once('exit', (code) => code && fail(new Error(`tools/bench/warm-worker.ts exited with ${code}`)));
  });
}

/** "BatchGetItem(2 keys) ∥ Query, then GetItem": what the route sends, in order. */
const describe = (calls: RawCalls) =>
  calls
    .map((group) =>
      group
        .map(({ operation, input }) => {
          const keys = Object.values((input.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>)[0]?.Keys.length;
          return keys ? `${operation}(${keys} keys)` : operation;
        })
        .join(' ∥ '),
    )
    .join(', then ');

export async function measureWarm(
  reads: { route: RouteId; entry: string; bundle: string; event: object; environment: Record<string, string>; expected: number }[],
  calls: number,
): Promise<{ rows: WarmRow[]; rawCalls: Partial<Record<RouteId, RawCalls>> }> {
  const rows: WarmRow[] = [];
  const rawCalls: Partial<Record<RouteId, RawCalls>> = {};
  for (const { route, entry, bundle, event, environment, expected } of reads) {
    const { times, statuses, rawCalls: made } = await runWorker({ entry, bundle, event, calls }, environment);
    assertOnly(statuses, [expected], route);
    rawCalls[route] = made;
    const p = (name: keyof WarmResult['times'], at: number) => percentile(times[name], at);
    const row: WarmRow = {
      route,
      p50_ms: round(p('route', 50)),
      p99_ms: round(p('route', 99)),
      raw_p50_ms: round(p('raw', 50)),
      raw_p99_ms: round(p('raw', 99)),
      bare_get_p50_ms: round(p('bare', 50)),
      p50_ratio: ratio(p('route', 50), p('raw', 50)),
      p99_ratio: ratio(p('route', 99), p('raw', 99)),
      p50_ratio_to_bare_get: ratio(p('route', 50), p('bare', 50)),
      raw_calls: describe(made),
      statuses,
    };
    rows.push(row);
    progress(`   ${route}: p50 ${row.p50_ms} ms vs its raw calls ${row.raw_p50_ms} ms (${row.p50_ratio}×), p99 ${row.p99_ratio}×; ${row.raw_calls}`);
  }
  return { rows, rawCalls };
}
