/**
 * Warm latency of one read route, in a process of its own as on Lambda (one function per process).
 * First records, from the route's source handler, the DynamoDB calls it makes (a read route runs its
 * read beside the session check, as deployed); then
 * times the shipped bundle's handler against those calls replayed raw, and against one bare GetItem,
 * interleaved in rounds of 50 so that drift in the machine's load hits all three alike.
 */
import { pathToFileURL } from 'node:url';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoClient, dynamo } from '../../shared/db/client.ts';
import { capture, firstKey, type RawCalls, replay } from './capture.ts';
import { countStatus, type Statuses } from './stats.ts';

export interface WarmJob {
  /** The route's handler source and its shipped bundle (index.mjs). */
  entry: string;
  bundle: string;
  event: object;
  calls: number;
}
export interface WarmResult {
  times: { route: number[]; raw: number[]; bare: number[] };
  statuses: Statuses;
  rawCalls: RawCalls;
}

type Handler = (event: object, context: object) => Promise<APIGatewayProxyResult>;
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
const ROUND = 50;

process.once('message', async ({ entry, bundle, event, calls }: WarmJob) => {
  const source: Handler = (await import(pathToFileURL(entry).href)).handler;
  await source(structuredClone(event), context); // the second call is the warm one
  const rawCalls = await capture(dynamo, () => source(structuredClone(event), context));

  const shipped: Handler = (await import(pathToFileURL(bundle).href)).handler;
  const client = createDynamoClient();
  const bare = new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: firstKey(rawCalls) as never, ConsistentRead: true });
  const statuses: Statuses = {};
  const cases = {
    route: async (fresh: object) => countStatus(statuses, (await shipped(fresh, context)).statusCode),
    raw: () => replay(client, rawCalls),
    bare: () => client.send(bare),
  };
  const times: WarmResult['times'] = { route: [], raw: [], bare: [] };
  for (let round = -1; round < calls / ROUND; round++) {
    const events = Array.from({ length: ROUND }, () => structuredClone(event)); // a handler may change its event
    for (const [name, run] of Object.entries(cases) as [keyof typeof cases, (event: object) => Promise<unknown>][]) {
      for (const fresh of events) {
        const t = performance.now();
        await run(fresh);
        if (round >= 0) times[name].push(performance.now() - t); // round -1 warms up
      }
    }
  }
  process.send?.({ times, statuses, rawCalls } satisfies WarmResult, () => process.exit(0));
});
