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

/**
 * A function whose routes only read (data: 'read' in the route table) has a role that can only read;
 * its client refuses anything else before it leaves the process, so the same mistake fails alike in
 * `npm test` and on AWS, instead of only as an AccessDenied there.
 */
export class WriteRefused extends Error {
  constructor(command: string) {
    super(`${command} refused: this function's routes only read (data: 'read'), so its role cannot write`);
    this.name = 'WriteRefused';
  }
}

export const dynamo = createDynamoClient();
if (env.readOnlyData) {
  dynamo.middlewareStack.add(
    (next, context) => (args) => {
      if (!READS.has(context.commandName ?? '')) throw new WriteRefused(context.commandName ?? 'A command');
      return next(args);
    },
    { step: 'initialize', name: 'refuseWrites' },
  );
}

export const db = documentClient(dynamo);
