import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../config/index.ts';

export const TABLE = env.tableName;

export const dynamo = new DynamoDBClient({
  region: env.region,
  // DynamoDB Local accepts any credentials; AWS uses the function's role.
  ...(env.dynamoEndpoint && {
    endpoint: env.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
  maxAttempts: 3,
  // Fail fast when DynamoDB is unreachable: the caller gets a 503 it can retry, not a hung request.
  requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
});

export const db = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
