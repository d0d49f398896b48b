/**
 * The local Lambda service (tools/local/lambda.ts) as someone running the API locally would notice
 * it: each function in instances of its own, warm between requests, one request at a time per
 * instance, the environment the stack gives it, and a timed-out or crashed instance replaced. The
 * fixture function (tests/support/functions/probe.ts) runs under real functions' specs.
 */
import type { AddressInfo } from 'node:net';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FunctionSpec, functionSpecs } from '../../infra/functions.ts';
import { gatewayResponses, LAMBDA_MAX_REQUEST_BYTES, LAMBDA_MAX_RESPONSE_BYTES } from '../../infra/gateway-contract.ts';
import { PROBLEM_CONTENT_TYPE } from '../../shared/http/problem.ts';
import { createGateway } from '../../tools/local/gateway/index.ts';
import {
  APP_SECRET_ARN,
  CONSOLE_API_KEY_SECRET_ARN,
  InvocationRefused,
  type LocalLambda,
  localLambdaOptions,
  startLocalLambda,
} from '../../tools/local/lambda.ts';
import { defined } from '../../tools/values.ts';
import { registerUser } from '../support/accounts.ts';
import { API_KEY, CONSOLE_KEY, clientFor, useGateway } from '../support/api.ts';
import { buildTestEvent } from '../support/events.ts';
import { state } from '../support/functions/state.ts';

interface Probe {
  threadId: number;
  loadedAt: number;
  invocations: number;
  mostRunning: number;
  env: Record<string, string>;
  context: { functionName: string; memoryLimitInMB: string; invokedFunctionArn: string; remainingMs: number };
  appSecret: string;
  apiKey: string;
  extension?: number | string;
}

const real = functionSpecs();
/** A real function's spec, running the probe's code. */
const probeAs = (entry: string, changes: Partial<FunctionSpec> = {}): FunctionSpec => ({
  ...defined(real.get(entry), `the spec of ${entry}`),
  entry: 'tests/support/functions/probe.ts',
  ...changes,
});

describe('the local Lambda service', () => {
  let lambda: LocalLambda;
  beforeAll(async () => {
    const specs = new Map([
      ['probe', probeAs('functions/health/get.ts', { id: 'Probe' })],
      ['probe-other', probeAs('functions/health/get.ts', { id: 'ProbeOther', entry: 'tests/support/functions/probe-other.ts' })],
      ['health', probeAs('functions/health/get.ts')],
      ['users.get', probeAs('functions/users/get.ts')],
      ['web.console', probeAs('functions/web/console.ts')],
    ]);
    lambda = await startLocalLambda({ ...localLambdaOptions(), specs, maxInstances: 3 });
  });
  afterAll(() => lambda.close());

  const probe = async (key: string, query: Record<string, string> = {}) => {
    const result = await lambda.invoke(key, { ...buildTestEvent('health.get'), queryStringParameters: query });
    return JSON.parse(result.body) as Probe;
  };

  it('keeps a function’s module state between its requests, and shares none with another function or the caller', async () => {
    state.invocations = 100; // this process's copy of the module the probes import
    const first = await probe('probe');
    const second = await probe('probe');
    const other = await probe('probe-other');
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(second.threadId).toBe(first.threadId); // the same warm instance
    expect(first.threadId).not.toBe(threadId);
    expect(other.invocations).toBe(1);
    expect(other.threadId).not.toBe(first.threadId);
    expect(state.invocations).toBe(100);

    await lambda.reload();
    const fresh = await probe('probe');
    expect(fresh.invocations).toBe(1);
    expect(fresh.threadId).not.toBe(first.threadId);
  });

  it('runs concurrent requests on separate instances, one at a time each, and queues them beyond the cap', async () => {
    await lambda.reload();
    const three = await Promise.all([1, 2, 3].map(() => probe('probe', { sleep: '300' })));
    const instances = new Set(three.map((r) => r.threadId));
    expect(instances.size).toBe(3);
    const seven = await Promise.all(Array.from({ length: 7 }, () => probe('probe', { sleep: '100' })));
    expect(new Set(seven.map((r) => r.threadId))).toEqual(instances); // the cap is 3: the same warm three
    expect(Math.min(...seven.map((r) => r.invocations))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...[...three, ...seven].map((r) => r.mostRunning))).toBe(1);
  });

  it('applies Lambda’s 6 MB to the event and to the result, as Lambda does', async () => {
    await lambda.reload();
    const event = buildTestEvent('health.get');
    // The event as JSON: a body that fits on its own can still make one over the limit.
    const tooLarge = { ...event, body: 'x'.repeat(LAMBDA_MAX_REQUEST_BYTES - JSON.stringify({ ...event, body: '' }).length + 1) };
    await expect(lambda.invoke('probe', tooLarge)).rejects.toBeInstanceOf(InvocationRefused);
    const fits = { ...tooLarge, body: tooLarge.body.slice(1) };
    expect(JSON.parse((await lambda.invoke('probe', fits)).body).invocations).toBe(1); // the refused one never ran

    const result = (bytes: number) => lambda.invoke('probe', { ...event, queryStringParameters: { respond: String(bytes) } });
    const envelope = JSON.stringify(await result(0)).length;
    expect((await result(LAMBDA_MAX_RESPONSE_BYTES - envelope)).body).toHaveLength(LAMBDA_MAX_RESPONSE_BYTES - envelope);
    await expect(result(LAMBDA_MAX_RESPONSE_BYTES - envelope + 1)).rejects.toThrow(/Function.ResponseSizeTooLarge/);
  });

  it('writes what a function logs to this process’s stdout before it answers', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      for (let i = 0; i < 20; i++) {
        await probe('probe', { log: `line ${i}` });
        expect(lines.join(''), `line ${i}`).toContain(`line ${i}\n`);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('gives a function the environment the stack gives it, plus what Lambda sets, and nothing of this process', async () => {
    const health = await probe('health');
    expect(Object.keys(health.env).sort()).toEqual(
      [
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_LOG_LEVEL', // tests/support/env.ts sets it; passed through for local convenience
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_EXECUTION_ENV',
        'AWS_LAMBDA_FUNCTION_NAME',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
        'AWS_LAMBDA_FUNCTION_VERSION',
        'AWS_LAMBDA_INITIALIZATION_TYPE',
        'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME',
        'LAMBDA_TASK_ROOT',
        'TZ',
        'LANG',
        'PATH',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_ENDPOINT_URL_DYNAMODB',
      ].sort(),
    );
    expect(health.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'local-HealthGet',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    });
    expect(health.context).toMatchObject({
      functionName: 'local-HealthGet',
      memoryLimitInMB: '1024',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:local-HealthGet',
    });
    expect(health.context.remainingMs).toBeGreaterThan(5_000); // its own 10 s, counted on its own clock
    expect(health.context.remainingMs).toBeLessThanOrEqual(10_000);
    expect(health.appSecret).toMatch(/^ConfigurationError/);

    const data = await probe('users.get', { secret: CONSOLE_API_KEY_SECRET_ARN });
    expect(data.env).toMatchObject({
      TABLE_NAME: process.env.TABLE_NAME,
      SECRET_ARN: APP_SECRET_ARN,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: expect.any(String),
    });
    for (const name of ['APP_SECRET', 'LOCAL_API_KEY', 'LOCAL_CONSOLE_KEY', 'CONSOLE_API_KEY_SECRET_ARN']) expect(data.env, name).not.toHaveProperty(name);
    expect(data.env.AWS_SESSION_TOKEN).not.toBe(health.env.AWS_SESSION_TOKEN); // a role of its own
    expect(data.appSecret).toBe('ok'); // read through the extension: the secret itself is not in its environment
    expect(lambda.secretReads).toContainEqual({ sessionToken: data.env.AWS_SESSION_TOKEN, secretId: APP_SECRET_ARN, status: 200 });
    expect(data.extension).toBe(400); // the API key's secret is not granted to it

    const webConsole = await probe('web.console');
    expect(webConsole.env.CONSOLE_API_KEY_SECRET_ARN).toBe(CONSOLE_API_KEY_SECRET_ARN);
    expect(webConsole.apiKey).toBe(process.env.LOCAL_CONSOLE_KEY);

    // A function without secrets has no extension layer: even on the extension's port, nothing answers it.
    const intruder = await probe('health', { secret: APP_SECRET_ARN, port: defined(data.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 'the extension port') });
    expect(intruder.extension).toBe('unreachable');
  });
});

describe('prewarming', () => {
  it('starts an instance of every function and waits for their init, so that the first requests find them warm', async () => {
    const specs = new Map([
      ['probe', probeAs('functions/health/get.ts', { id: 'Probe' })],
      ['probe-other', probeAs('functions/health/get.ts', { id: 'ProbeOther', entry: 'tests/support/functions/probe-other.ts' })],
    ]);
    const lambda = await startLocalLambda({ ...localLambdaOptions(), specs });
    try {
      await lambda.prewarm();
      const prewarmed = Date.now();
      for (const key of specs.keys()) {
        const answer = JSON.parse((await lambda.invoke(key, buildTestEvent('health.get'))).body) as Probe;
        expect(answer.loadedAt, key).toBeLessThanOrEqual(prewarmed);
        expect(answer.invocations, key).toBe(1);
      }
    } finally {
      await lambda.close();
    }
  });
});

describe('a function that fails, through the gateway', () => {
  let lambda: LocalLambda;
  let server: ReturnType<typeof createGateway>;
  let api: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    // GET /health runs the probe, with a one-second timeout.
    const specs = new Map([['functions/health/get.ts', probeAs('functions/health/get.ts', { timeoutSeconds: 1 })]]);
    lambda = await startLocalLambda({ ...localLambdaOptions(), specs });
    server = createGateway({ apiKey: API_KEY, lambda });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    api = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`); // 502s are not in the OpenAPI document
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await lambda.close();
  });

  const expectGateway5xx = (res: Awaited<ReturnType<typeof api.get>>) => {
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.body).toEqual(gatewayResponses.DEFAULT_5XX.body);
  };

  it('answers the gateway’s 5xx when it runs past its timeout; the instance is ended and the next request gets a fresh one', async () => {
    const before = (await api.get('/health')).body as Probe;
    const started = performance.now();
    expectGateway5xx(await api.get('/health?do=spin')); // a busy loop: only ending the instance stops it
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    const after = (await api.get('/health')).body as Probe;
    expect(after.invocations).toBe(1);
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('answers the gateway’s 5xx when its instance crashes, and the next request gets a fresh one', async () => {
    const before = (await api.get('/health')).body as Probe;
    expectGateway5xx(await api.get('/health?do=crash'));
    const after = (await api.get('/health')).body as Probe;
    expect(after.invocations).toBe(1);
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('answers the gateway’s 5xx when its handler throws; as on Lambda, that instance stays warm', async () => {
    const before = (await api.get('/health')).body as Probe;
    expectGateway5xx(await api.get('/health?do=throw'));
    const after = (await api.get('/health')).body as Probe;
    expect(after.invocations).toBe(before.invocations + 2);
    expect(after.threadId).toBe(before.threadId);
  });
});

describe('the real functions', () => {
  const gateway = useGateway();

  it('read their secrets through the extension, each only what the stack grants it', async () => {
    const user = await registerUser(gateway.api);
    expect((await gateway.api.get('/me', { token: user.token })).status).toBe(200);
    expect((await gateway.api.get('/', { apiKey: null })).text).toContain(CONSOLE_KEY); // the console embeds its key
    const reads = gateway.lambda.secretReads;
    expect(new Set(reads.map((r) => r.secretId))).toEqual(new Set([APP_SECRET_ARN, CONSOLE_API_KEY_SECRET_ARN]));
    expect(reads.filter((r) => r.status !== 200)).toEqual([]);
  });
});
