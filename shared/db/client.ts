import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../config/index.ts';

export const TABLE = env.tableName;

/**
 * Region, credentials and endpoint come from the standard AWS variables, as on Lambda (AWS_REGION and
 * the role's keys there; locally also AWS_ENDPOINT_URL_DYNAMODB, pointing at DynamoDB Local).
 */
export const dynamo = new DynamoDBClient({
  maxAttempts: 3,
  // Fail fast when DynamoDB is unreachable: the caller gets a 503 it can retry, not a hung request.
  requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
});

export const db = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
