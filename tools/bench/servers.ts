/**
 * The servers of the throughput phase, each in its own process: the local API Gateway with one
 * instance of the function (a request at a time, as one Lambda instance serves them), or a bare
 * node:http server sending the same raw DynamoDB calls the route makes (RAW_CALLS, from capture.ts).
 * A third, `in-thread`, is the same gateway calling the function's handler on its own thread (no
 * worker, so no isolation: a measurement only): the difference to `gateway` is the worker thread hop.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoClient } from '../../shared/db/client.ts';
import { type RawCalls, replay } from './capture.ts';

const [kind, port] = process.argv.slice(2);
if (kind === 'gateway' || kind === 'in-thread') {
  const { createGateway } = await import('../local/gateway/index.ts');
  const { localLambdaOptions, startLocalLambda } = await import('../local/lambda.ts');
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const inThread = {
    invoke: async (entry: string, event: APIGatewayProxyEvent) =>
      (await import(resolve(import.meta.dirname, '../..', entry))).handler(event, context) as Promise<APIGatewayProxyResult>,
  };
  const lambda = kind === 'gateway' ? await startLocalLambda({ ...localLambdaOptions(), maxInstances: 1 }) : inThread;
  // Every limit lifted: this measures what the gateway and the function cost, not the usage plan.
  const unlimited = { rateLimit: 1e9, burstLimit: 1e9 };
  const config = { waf: false, monthlyQuota: 1e12, stageRateLimit: 1e9, stageBurstLimit: 1e9 };
  createGateway({ apiKey: process.env.LOCAL_API_KEY ?? '', lambda, throttle: unlimited, config }).listen(Number(port));
} else {
  const client = createDynamoClient();
  const calls = JSON.parse(process.env.RAW_CALLS ?? '[]') as RawCalls;
  createServer(async (_req, res) => {
    await replay(client, calls);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }).listen(Number(port));
}
process.send?.('ready');
