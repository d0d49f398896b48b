/**
 * A crashed function through API Gateway, which only AWS can show (docs/operations.md, What runs
 * where): `CRASH_CHECK=1 npm run test:deployed` points the health function's handler at a module that
 * does not exist (Lambda's Runtime.HandlerNotFound, a function error as a crash is), asks /health, and
 * puts the handler back whatever happened. Meanwhile /health fails, and its alarm may fire.
 */
import { execFileSync } from 'node:child_process';

/** The AWS CLI, or a stand-in in tests: its arguments in, its standard output out. */
export type Aws = (args: string[]) => string;
export const awsCli: Aws = (args) => execFileSync('aws', args, { encoding: 'utf8' }).trim();

const MISSING_HANDLER = 'crash-check-missing.handler';

/** The deployed health function's name (functions/health/get.ts, logical id HealthGetFunction…), or why not. */
export function healthFunction(aws: Aws): string {
  const listed = aws(['lambda', 'list-functions', '--query', "Functions[?contains(FunctionName, 'HealthGet')].FunctionName", '--output', 'text']);
  const names = listed.split(/\s+/).filter(Boolean);
  if (names.length !== 1) {
    throw new Error(`CRASH_CHECK needs one health function, found ${names.length} (${names.join(', ')}): name it with CRASH_CHECK_FUNCTION=`);
  }
  return names[0] as string;
}

/** Runs `during` while the function cannot start, then restores its handler, even when `during` fails. */
export async function withCrashedFunction<T>(aws: Aws, name: string, during: () => Promise<T>): Promise<T> {
  const handler = aws(['lambda', 'get-function-configuration', '--function-name', name, '--query', 'Handler', '--output', 'text']);
  if (handler === MISSING_HANDLER)
    throw new Error(`${name} still has the crash check's handler: set its handler back (functions/health/get.ts is index.handler)`);
  const point = (to: string) => {
    aws(['lambda', 'update-function-configuration', '--function-name', name, '--handler', to]);
    aws(['lambda', 'wait', 'function-updated-v2', '--function-name', name]);
  };
  point(MISSING_HANDLER);
  try {
    return await during();
  } finally {
    point(handler);
  }
}
