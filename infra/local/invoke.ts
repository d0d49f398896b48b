/**
 * `npm run invoke -- <route-id> events/<file>.json`: runs one handler with a sample event against the
 * DynamoDB Local that `npm start` runs (same .env.local), and prints the response.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localAwsEnvironment } from './dynamodb.ts';
import { loadLocalEnv, requiredEnv } from './env-file.ts';

const [routeId, file] = process.argv.slice(2);
loadLocalEnv();
process.env.TABLE_NAME ??= 'user-data';
Object.assign(process.env, { ...localAwsEnvironment(`http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`), ...process.env });

const { routes } = await import('../../shared/routes.ts');
const route = routes[routeId as keyof typeof routes];
if (!route || !file) {
  console.error(`Usage: npm run invoke -- <route-id> events/<file>.json\nRoute ids: ${Object.keys(routes).join(', ')}`);
  process.exit(2);
}
const { fillSampleEvent, samplePlaceholders } = await import('./sample-events.ts');
const event = fillSampleEvent(file, await samplePlaceholders(requiredEnv('LOCAL_API_KEY')));
const { handler } = await import(pathToFileURL(resolve(route.entry)).href);
const context = { awsRequestId: event.requestContext.requestId, functionName: routeId, getRemainingTimeInMillis: () => 29_000 };
const result = await handler(event, context);
console.log(JSON.stringify({ ...result, body: result.body ? JSON.parse(result.body) : result.body }, null, 2));
process.exit(0);
