import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../config/index.ts';

/** The table's name, read on first use: functions that never touch the table need no TABLE_NAME. */
export const tableName = () => env.tableName;

/**
 * The one way to build a DynamoDB client, for the functions, the local runtime, the tests and the
 * benchmark alike. Region, credentials and endpoint come from the standard AWS variables unless
 * given (AWS_REGION and the role's keys on Lambda; locally AWS_ENDPOINT_URL_DYNAMODB, pointing at
 * DynamoDB Local).
 */
export function createDynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: 3,
    // Fail fast when DynamoDB is unreachable: the caller gets a 503 it can retry, not a hung request.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    ...config,
  });
}

export const documentClient = (client: DynamoDBClient) => DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

/** A write asked for inside readOnly: refused before it leaves the process. */
export class WriteRefused extends Error {
  constructor(command: string) {
    super(`${command} refused: this code runs read-only (a read route's handler, alongside the session check)`);
    this.name = 'WriteRefused';
  }
}

const readOnlyScope = new AsyncLocalStorage<true>();

/**
 * Runs `work` so that its DynamoDB calls can only read: a write is refused with WriteRefused before it
 * leaves the process. The request pipeline runs a read route's handler this way, which is what lets
 * it start before the session check has answered (shared/http/handler.ts); the route's function also
 * has a role that cannot write (infra/functions.ts, from the same `data: 'read'`).
 */
export const readOnly = <T>(work: () => Promise<T>): Promise<T> => readOnlyScope.run(true, work);

export const dynamo = createDynamoClient();
dynamo.middlewareStack.add(
  (next, context) => (args) => {
    if (readOnlyScope.getStore() && !READS.has(context.commandName ?? '')) throw new WriteRefused(context.commandName ?? 'A command');
    return next(args);
  },
  { step: 'initialize', name: 'refuseWritesWhenReadOnly' },
);

export const db = documentClient(dynamo);
