/**
 * The DynamoDB calls a route really makes, recorded from a client and replayed as raw SDK
 * calls: the floor the warm latency and throughput of a route are judged against. Calls that were
 * in flight together (a list's Query beside its session read) are replayed together.
 */
import { BatchGetItemCommand, type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';

export interface RawCall {
  /** DynamoDB's operation, as in X-Amz-Target: GetItem, BatchGetItem, Query. */
  operation: string;
  /** The low-level client's input, as the route sent it. */
  input: Record<string, unknown>;
}
/** Groups sent one after the other; the calls of a group at once. */
export type RawCalls = RawCall[][];

interface Recorded extends RawCall {
  start: number;
  end: number;
}

/** Records every call the client sends while `run` runs. */
export async function capture(client: DynamoDBClient, run: () => Promise<unknown>): Promise<RawCalls> {
  const recorded: Recorded[] = [];
  const name = 'benchCapture';
  client.middlewareStack.add(
    (next) => async (args) => {
      // By this step a document client's input is marshalled: what the low-level client takes.
      const { headers } = args.request as { headers: Record<string, string> };
      const operation = String(headers['x-amz-target']).split('.').pop() ?? '';
      const call = { operation, input: structuredClone(args.input as Record<string, unknown>), start: performance.now(), end: 0 };
      recorded.push(call);
      try {
        return await next(args);
      } finally {
        call.end = performance.now();
      }
    },
    { step: 'build', name },
  );
  try {
    await run();
  } finally {
    client.middlewareStack.remove(name);
  }
  const groups: Recorded[][] = [];
  for (const call of recorded.sort((a, b) => a.start - b.start)) {
    const current = groups.at(-1);
    if (current && call.start < Math.max(...current.map((c) => c.end))) current.push(call);
    else groups.push([call]);
  }
  return groups.map((group) => group.map(({ operation, input }) => ({ operation, input })));
}

function command({ operation, input }: RawCall) {
  switch (operation) {
    case 'GetItem':
      return new GetItemCommand(input as never);
    case 'BatchGetItem':
      return new BatchGetItemCommand(input as never);
    case 'Query':
      return new QueryCommand(input as never);
    default:
      throw new Error(`${operation}: only reads are replayed`);
  }
}

export async function replay(client: DynamoDBClient, calls: RawCalls): Promise<void> {
  for (const group of calls) await Promise.all(group.map((call) => client.send(command(call) as never)));
}

/** The first item key a call names: the item a bare GetItem reads. */
export function firstKey(calls: RawCalls): Record<string, unknown> {
  for (const { input } of calls.flat()) {
    const key = (input.Key ?? Object.values((input.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>)[0]?.Keys[0]) as
      | Record<string, unknown>
      | undefined;
    if (key) return key;
  }
  throw new Error('the route reads no item by its key');
}
