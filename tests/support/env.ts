/**
 * Runs before each test file's imports: points the app at DynamoDB Local, gives the file its own
 * table and fresh secrets, exactly as `npm start` would configure a local run.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable, localAwsEnvironment } from '../../tools/local/dynamodb.ts';
import { generateLocalEnv } from '../../tools/local/env-file.ts';

const endpoint = inject('dynamoEndpoint');
Object.assign(process.env, localAwsEnvironment(endpoint));
process.env.AWS_ENDPOINT_URL_SESV2 = inject('mailEndpoint'); // the local SES
process.env.TABLE_NAME = `test-${randomUUID()}`;
process.env.APP_SECRET ??= generateLocalEnv().APP_SECRET;
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.LOCAL_API_KEY = 'test-api-key'; // the API clients' key tests/support/api.ts sends
process.env.LOCAL_CONSOLE_KEY = 'test-console-key'; // the console's key, which its page carries
await ensureTable(endpoint, process.env.TABLE_NAME);
