/** The deployed run's crash check, with a stand-in for the AWS CLI: what it changes, and that it always puts it back. */
import { describe, expect, it } from 'vitest';
import { type Aws, healthFunction, withCrashedFunction } from '../acceptance/crash-check.ts';

function fakeAws(listed = 'UserDataPlatform-HealthGetFunction-abc') {
  const calls: string[] = [];
  const aws: Aws = (args) => {
    calls.push(args.join(' '));
    if (args[1] === 'list-functions') return listed;
    if (args[1] === 'get-function-configuration') return 'index.handler';
    return '';
  };
  return { aws, calls };
}

describe('the crash check of npm run test:deployed', () => {
  it('points the function at a missing handler, waits for it, asks, and puts the handler back', async () => {
    const { aws, calls } = fakeAws();
    const seen: string[] = [];
    const answer = await withCrashedFunction(aws, 'fn', async () => {
      seen.push(calls.at(-1) ?? '');
      return 502;
    });
    expect(answer).toBe(502);
    expect(seen).toEqual(['lambda wait function-updated-v2 --function-name fn']);
    expect(calls).toEqual([
      'lambda get-function-configuration --function-name fn --query Handler --output text',
      'lambda update-function-configuration --function-name fn --handler crash-check-missing.handler',
      'lambda wait function-updated-v2 --function-name fn',
      'lambda update-function-configuration --function-name fn --handler index.handler',
      'lambda wait function-updated-v2 --function-name fn',
    ]);
  });

  it('puts the handler back when the request fails', async () => {
    const { aws, calls } = fakeAws();
    await expect(withCrashedFunction(aws, 'fn', () => Promise.reject(new Error('no answer')))).rejects.toThrow('no answer');
    expect(calls.at(-2)).toBe('lambda update-function-configuration --function-name fn --handler index.handler');
  });

  it('finds the one health function, and asks for its name when there is not exactly one', () => {
    expect(healthFunction(fakeAws().aws)).toBe('UserDataPlatform-HealthGetFunction-abc');
    expect(() => healthFunction(fakeAws('a-HealthGet-1\tb-HealthGet-2').aws)).toThrow(/found 2 .*CRASH_CHECK_FUNCTION=/);
    expect(() => healthFunction(fakeAws('').aws)).toThrow(/found 0/);
  });
});
