/**
 * Phase 1: cold starts as Lambda pays them. Every function's shipped bundle starts in a fresh runtime
 * (the real runtime interface client on Node 24, its template environment, IAM and the secrets
 * extension), then serves its route's sample event: load-and-init (Lambda's Init Duration) and the
 * first invocation (init plus that first request: the secret read, client creation, the session check
 * and the first DynamoDB calls). The floor and the function start in turn (A B A B), and each ratio is
 * the median of the pairs' ratios, so that drift in the machine's load hits both alike. A function
 * that hashes or checks a password is held to the floor plus one warm hash at the configured cost
 * (measured in the same run): bcrypt is the route's own work, and its first run must cost no more.
 */
import type { LambdaEnvironment } from '../runtime/index.ts';
import { FLOOR } from './lambda.ts';
import { assertOnly, countStatus, median, progress, round, type Statuses } from './stats.ts';

export const COLD_TARGETS = { init: 1.2, firstInvocation: 1.25 };

export interface ColdFunction {
  id: string;
  route: string;
  expected: (number | string)[];
  /** A fresh event for each invocation (write routes change what they touch). */
  event: () => Promise<unknown>;
  /** Hashes or checks a password: its floor is the floor's first invocation plus one warm hash. */
  hashes: boolean;
}

export interface ColdRow {
  function: string;
  route: string;
  init_ms: number;
  first_request_ms: number;
  first_invocation_ms: number;
  /** The same request once more, warm: what of the first request is the route's own work. */
  second_request_ms: number;
  init_ratio: number;
  /** Against the floor's first invocation, plus one warm hash for a function that hashes. */
  first_invocation_ratio: number;
  /** The warm hash added to this function's floor (0 for one that hashes nothing). */
  hash_ms: number;
  statuses: Statuses;
}

interface Start {
  init: number;
  request: number;
  second: number;
  status: string;
}

async function coldStart(lambda: LambdaEnvironment, id: string, event: unknown, again: unknown): Promise<Start> {
  const sandbox = await lambda.start(id);
  try {
    const { result, error, durationMs } = await sandbox.invoke(event);
    const status = error ? error.errorType : id === FLOOR ? 'ok' : String((result as { statusCode?: number }).statusCode);
    const second = await sandbox.invoke(again);
    return { init: sandbox.initDurationMs, request: durationMs, second: second.durationMs, status };
  } finally {
    await sandbox.stop();
  }
}

/** `warmHash` times one hash at the configured cost in this (warm) process: taken beside each pair of a function that hashes. */
export async function measureCold(lambda: LambdaEnvironment, functions: ColdFunction[], rounds: number, warmHash: () => number) {
  const floorEvent = {};
  await coldStart(lambda, FLOOR, floorEvent, floorEvent); // the first process start of the run warms the disk cache
  const floor: Start[] = [];
  const pairs = new Map(functions.map((fn) => [fn.id, [] as { fn: Start; floor: Start; hash: number }[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const fn of functions) {
      const [event, again] = [await fn.event(), await fn.event()];
      const hash = fn.hashes ? warmHash() : 0;
      const before = await coldStart(lambda, FLOOR, floorEvent, floorEvent);
      const start = await coldStart(lambda, fn.id, event, again);
      floor.push(before);
      pairs.get(fn.id)?.push({ fn: start, floor: before, hash });
    }
    progress(`   round ${round}/${rounds}: ${functions.length} functions, each after a start of the floor`);
  }
  const floorStatuses: Statuses = {};
  for (const start of floor) countStatus(floorStatuses, start.status);
  assertOnly(floorStatuses, ['ok'], FLOOR);
  const rows: ColdRow[] = functions.map(({ id, route, expected }) => {
    const runs = pairs.get(id) ?? [];
    const statuses: Statuses = {};
    for (const { fn } of runs) countStatus(statuses, fn.status);
    assertOnly(statuses, expected, `${id} (${route})`);
    const first = (s: Start) => s.init + s.request;
    return {
      function: id,
      route,
      init_ms: round(median(runs.map(({ fn }) => fn.init)), 1),
      first_request_ms: round(median(runs.map(({ fn }) => fn.request)), 1),
      first_invocation_ms: round(median(runs.map(({ fn }) => first(fn))), 1),
      second_request_ms: round(median(runs.map(({ fn }) => fn.second)), 1),
      init_ratio: round(median(runs.map((pair) => pair.fn.init / pair.floor.init))),
      first_invocation_ratio: round(median(runs.map((pair) => first(pair.fn) / (first(pair.floor) + pair.hash)))),
      hash_ms: round(median(runs.map((pair) => pair.hash)), 1),
      statuses,
    };
  });
  return {
    rounds,
    floor: {
      init_ms: round(median(floor.map((s) => s.init)), 1),
      first_request_ms: round(median(floor.map((s) => s.request)), 1),
      first_invocation_ms: round(median(floor.map((s) => s.init + s.request)), 1),
      second_request_ms: round(median(floor.map((s) => s.second)), 1),
      statuses: floorStatuses,
    },
    warm_hash_ms: round(
      median(
        [...pairs.values()]
          .flat()
          .map((pair) => pair.hash)
          .filter(Boolean)
          .concat(warmHash()),
      ),
      1,
    ),
    functions: rows,
  };
}
