/**
 * Phase 3: consumed capacity per request, read from DynamoDB Local's ReturnConsumedCapacity on the
 * route's own calls; and for lists and lookups, the same request with 1,000 and with 10,000 items in
 * the table. The filler is written through the services and repositories, so it has the shape the
 * code writes today.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { db, dynamo, tableName } from '../../shared/db/client.ts';
import { users } from '../../shared/db/users.ts';
import type { Caller } from '../../shared/domain/user.ts';
import { type RouteId, routes } from '../../shared/routes.ts';
import { createPaymentBody } from '../../shared/schemas/payments.ts';
import { putEntry } from '../../shared/services/kv.ts';
import { createPayment } from '../../shared/services/payments.ts';
import { createRecord } from '../../shared/services/records.ts';
import { progress, round } from './stats.ts';

export interface CostRow {
  route: RouteId;
  status: number;
  rcu: number;
  wcu_local: number;
  wcu_aws: number;
}

type Capacity = { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };
const consumed = { rcu: 0, wcu: 0, transactionalWcu: 0 };
const WRITES = /Put|Update|Delete|Write/;

dynamo.middlewareStack.add(
  (next, { commandName = '' }) =>
    async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const { ConsumedCapacity } = result.output as { ConsumedCapacity?: Capacity | Capacity[] };
      for (const c of [ConsumedCapacity ?? []].flat()) {
        const write = c.WriteCapacityUnits ?? (WRITES.test(commandName) ? (c.CapacityUnits ?? 0) : 0);
        consumed.rcu += c.ReadCapacityUnits ?? (write ? 0 : (c.CapacityUnits ?? 0));
        consumed.wcu += write;
        if (commandName === 'TransactWriteItemsCommand') consumed.transactionalWcu += write;
      }
      return result;
    },
  { step: 'initialize', name: 'benchConsumedCapacity' },
);

type Handler = (event: APIGatewayProxyEvent, context: object) => Promise<APIGatewayProxyResult>;
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };

/** Runs the route's source handler once and answers what it consumed; throws unless it succeeded. */
export async function costOf(route: RouteId, event: APIGatewayProxyEvent, expected: number[]): Promise<CostRow> {
  const handler: Handler = (await import(`../../${routes[route].entry}`)).handler;
  Object.assign(consumed, { rcu: 0, wcu: 0, transactionalWcu: 0 });
  const { statusCode, body } = await handler(event, context);
  if (!expected.includes(statusCode)) throw new Error(`${route}: ${statusCode} ${body}`);
  // AWS bills a transactional write twice (prepare and commit); DynamoDB Local reports it once.
  return {
    route,
    status: statusCode,
    rcu: round(consumed.rcu, 1),
    wcu_local: round(consumed.wcu, 1),
    wcu_aws: round(consumed.wcu + consumed.transactionalWcu, 1),
  };
}

export async function countItems(): Promise<number> {
  let items = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName(), Select: 'COUNT', ExclusiveStartKey }));
    items += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

let fillers = 0;
/** Another account with a little of everything: a profile, payments, key-value entries, a record. */
async function fillerAccount(passwordHash: string) {
  const n = fillers++;
  const user = await users.create({ email: `filler-${n}@example.com`, name: `Filler ${n}`, role: 'user' }, passwordHash);
  const caller: Caller = { id: user.user_id, role: 'user', sessionId: 'bench' };
  for (let i = 0; i < 3; i++) {
    await createPayment(
      caller,
      createPaymentBody().parse({
        amount: 100 + i,
        currency: 'EUR',
        payment_method: 'Credit Card',
        card_no: '4242 4242 4242 4242',
        card_expiry: '12/30',
        card_cvc: '123',
        status: 'pending',
      }),
    );
    await putEntry(caller, `filler/${i}`, String(i), {});
  }
  await createRecord(caller, { name: `Filler ${n}`, phone: String(2_000_000_000 + n), dob: '1990-01-01', height: 170, weight: 70 });
}

/** Adds filler accounts, eight at a time, until the table holds at least `total` items. */
export async function fillTo(total: number, passwordHash: string): Promise<number> {
  let items = await countItems();
  while (items < total) {
    const accounts = Math.max(1, Math.min(8, Math.ceil((total - items) / 16)));
    for (let i = 0; i < 5; i++) await Promise.all(Array.from({ length: accounts }, () => fillerAccount(passwordHash)));
    items = await countItems();
  }
  progress(`   ${items} items in the table`);
  return items;
}
