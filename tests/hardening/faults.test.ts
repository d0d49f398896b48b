/**
 * DynamoDB goes away mid-run: the API answers 503 problem+json with Retry-After (never a 500 with
 * internals) and recovers by itself when DynamoDB comes back. This file runs its own DynamoDB Local,
 * with its data on disk so that a restart keeps it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable, freePort, type LocalDynamo, startDynamoLocal } from '../../tools/local/dynamodb.ts';
import { defined } from '../../tools/values.ts';
import { API_KEY, clientFor } from '../support/api.ts';

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'udp-faults-'));
let dynamo: LocalDynamo = await startDynamoLocal({ port, dataDir });
process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint; // before any app module is loaded
await ensureTable(dynamo.endpoint, defined(process.env.TABLE_NAME, 'TABLE_NAME (set by tests/support/env.ts)'));
const { createGateway } = await import('../../tools/local/gateway/index.ts');
const { localLambdaOptions, startLocalLambda } = await import('../../tools/local/lambda.ts');
const { registerUser } = await import('../support/accounts.ts');

const lambda = await startLocalLambda(localLambdaOptions());
const server = createGateway({ apiKey: API_KEY, lambda, throttle: { rateLimit: 1000, burstLimit: 1000 } });
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const api = clientFor(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
afterAll(async () => {
  server.close();
  await lambda.close();
  await dynamo.stop();
});

describe('DynamoDB stopped mid-run', () => {
  it('answers 503 with Retry-After and no internals, then recovers when DynamoDB returns', async () => {
    const user = await registerUser(api);
    await api.put('/kv/before', 'written before the outage', { token: user.token });
    await dynamo.stop();

    for (const res of [
      await api.get('/kv/before', { token: user.token }),
      await api.put('/kv/during', 1, { token: user.token }),
      await api.post('/auth/login', { email: user.email, password: 'Whatever-1!' }),
      await api.get('/payments', { token: user.token }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The service is temporarily unavailable; retry later.',
      });
    }
    expect((await api.get('/health', { apiKey: null })).status).toBe(200); // liveness does not need the table

    dynamo = await startDynamoLocal({ port, dataDir });
    const after = await api.get('/kv/before', { token: user.token });
    expect(after.status).toBe(200);
    expect(after.body.value).toBe('written before the outage');
    expect((await api.put('/kv/after', 2, { token: user.token })).status).toBe(201);
  }, 300_000); // it stops and starts DynamoDB Local (a JVM) within the test
});
