/**
 * Phase 5: what bcrypt costs. One hash at costs 10 to 12 (bcryptjs, one core), and the whole login
 * handler, which checks one; from it, the memory Lambda needs for a login under 300 ms.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import bcrypt from 'bcryptjs';
import { PASSWORD_MEMORY_MB } from '../../infra/functions.ts';
import { env } from '../../shared/config/index.ts';
import { routes } from '../../shared/routes.ts';
import { assertOnly, countStatus, median, round, type Statuses } from './stats.ts';

// Lambda gives one full vCPU at 1,769 MB and a proportional share below; bcrypt is single-threaded,
// so above 1,769 MB it is no faster. Assumption: one core of this machine ≈ one Lambda vCPU.
const FULL_VCPU_MB = 1769;

const timed = async (run: () => unknown) => {
  const t = performance.now();
  await run();
  return performance.now() - t;
};

/** One hash at the configured cost in this process, warm after the first few: what a cold start that hashes may add to the floor. */
export function warmHash() {
  const t = performance.now();
  bcrypt.hashSync('Correct-Horse-9', env.bcryptCost);
  return performance.now() - t;
}

export async function measurePasswords(loginEvent: () => APIGatewayProxyEvent, warmHash: number) {
  const hashMs: Record<number, number> = {};
  for (const cost of [10, 11, 12]) {
    const times = [];
    for (let i = 0; i < 5; i++) times.push(await timed(() => bcrypt.hashSync('Correct-Horse-9', cost)));
    hashMs[cost] = round(median(times), 1);
  }
  const login: (event: APIGatewayProxyEvent, context: object) => Promise<APIGatewayProxyResult> = (await import(`../../${routes['auth.login'].entry}`)).handler;
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const statuses: Statuses = {};
  const times = [];
  for (let i = 0; i < 10; i++) times.push(await timed(async () => countStatus(statuses, (await login(loginEvent(), context)).statusCode)));
  assertOnly(statuses, [200], 'auth.login');
  const loginMs = round(median(times), 1);
  return {
    bcrypt_cost: env.bcryptCost,
    /** The warm hash at the configured cost the cold-start phase added to the floor of the functions that hash. */
    warm_hash_ms: warmHash,
    hash_ms_by_cost: hashMs,
    login_ms_median: loginMs,
    login_statuses: statuses,
    lambda_memory_mb_for_300ms: Math.min(10240, Math.ceil((FULL_VCPU_MB * loginMs) / 300 / 64) * 64),
    login_ms_at_1024mb: round((loginMs * FULL_VCPU_MB) / 1024, 0),
    stack_memory_mb: PASSWORD_MEMORY_MB,
    login_ms_at_stack_memory: round((loginMs * FULL_VCPU_MB) / PASSWORD_MEMORY_MB, 0),
  };
}
