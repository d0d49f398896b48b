// The cold-start floor: a function that only imports the DynamoDB document client and does one GetItem.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: 'floor', SK: 'floor' } }));
