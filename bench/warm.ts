/**
 * Warm latency of one read route, in a process of its own as on Lambda (one function per process):
 * the shipped bundle's handler against the raw SDK calls it wraps, interleaved in rounds of 50 so
 * that drift in the machine's load hits both alike. Receives { bundle, event, calls, raws } and
 * answers with the times in ms.
 */
import { pathToFileURL } from 'node:url';
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { localClient } from '../infra/local/dynamodb.ts';
import { documentClient } from '../shared/db/client.ts';

export type RawCall = { get: object } | { batchGet: object } | { query: object };
export interface WarmJob {
  bundle: string;
  event: object;
  calls: number;
  /** Named raw calls, each a list of SDK inputs sent together (Promise.all). */
  raws: Record<string, RawCall[]>;
}

const db = documentClient(localClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!));
const command = (call: RawCall) =>
  'get' in call ? new GetCommand(call.get as never) : 'batchGet' in call ? new BatchGetCommand(call.batchGet as never) : new QueryCommand(call.query as never);

process.once('message', async ({ bundle, event, calls, raws }: WarmJob) => {
  const { handler } = await import(pathToFileURL(bundle).href);
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const first = await handler(structuredClone(event), context);
  if (first.statusCode !== 200) throw new Error(`${first.statusCode} ${first.body}`);
  const cases: Record<string, (event: object) => Promise<unknown>> = { route: (fresh) => handler(fresh, context) };
  for (const [name, parts] of Object.entries(raws)) cases[name] = () => Promise.all(parts.map((part) => db.send(command(part) as never)));
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = -1; round < calls / 50; round++) {
    const events = Array.from({ length: 50 }, () => structuredClone(event)); // handlers may change their event
    for (const [name, run] of Object.entries(cases)) {
      for (let i = 0; i < 50; i++) {
        const t = performance.now();
        await run(events[i]);
        if (round >= 0) times[name].push(performance.now() - t); // round -1 warms up
      }
    }
  }
  process.send!(times, () => process.exit(0));
});
