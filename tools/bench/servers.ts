/**
 * The two servers of the throughput phase, each in its own process: the local API Gateway with one
 * instance of the function (a request at a time, as one Lambda instance serves them), or a bare
 * node:http server sending the same raw DynamoDB calls the route makes (RAW_CALLS, from capture.ts).
 */
import { createServer } from 'node:http';
import { createDynamoClient } from '../../shared/db/client.ts';
import { type RawCalls, replay } from './capture.ts';

const [kind, port] = process.argv.slice(2);
if (kind === 'gateway') {
  const { createGateway } = await import('../local/gateway/index.ts');
  const { localLambdaOptions, startLocalLambda } = await import('../local/lambda.ts');
  const lambda = await startLocalLambda({ ...localLambdaOptions(), maxInstances: 1 });
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
