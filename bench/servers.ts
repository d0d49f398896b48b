/**
 * The two servers of the throughput benchmark, each in its own process: the local API Gateway
 * serving GET /kv/{key}, or a bare node:http server doing the same GetItem.
 */
import { createServer } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { localClient } from '../infra/local/dynamodb.ts';
import { documentClient } from '../shared/db/client.ts';

const [kind, port, pk, sk] = process.argv.slice(2);
if (kind === 'gateway') {
  const { createGateway } = await import('../infra/local/gateway/index.ts');
  const { localLambdaOptions, startLocalLambda } = await import('../infra/local/lambda.ts');
  const lambda = await startLocalLambda(localLambdaOptions());
  // The throttle is lifted: this measures the gateway's own cost, not the usage plan.
  createGateway({ apiKey: process.env.LOCAL_API_KEY!, lambda, throttle: { rateLimit: 1e9, burstLimit: 1e9 } }).listen(Number(port));
} else {
  const db = documentClient(localClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!));
  createServer(async (_req, res) => {
    const { Item } = await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: pk, SK: sk }, ConsistentRead: true }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Item));
  }).listen(Number(port));
}
process.send?.('ready');
