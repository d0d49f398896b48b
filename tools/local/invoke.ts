/**
 * `npm run invoke -- <route-id> [event.json]`: runs one route's handler with a sample event (by default
 * `events/<route-id>.json`, or the one the route table generates when there is no such file) and
 * prints its response. It uses the DynamoDB Local that `npm start` runs,
 * but a throwaway table of its own, deleted afterwards: the sample accounts and data it makes to fill
 * the event's placeholders, and whatever the handler writes, never reach your table.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable, localClient } from './dynamodb.ts';
import { checkLocalTable, runLocalCommand, UsageProblem, useLocalTable } from './local-table.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

await runLocalCommand(async () => {
  const { endpoint } = useLocalTable({ requireSecrets: false });
  const { routes } = await import('../../shared/routes.ts');
  type RouteId = keyof typeof routes;
  const [name = '', given] = process.argv.slice(2);
  // A route id (kv.get), a method and path as the route table writes it (GET /kv/{key}), or an event file named for its route.
  const routeId = name.endsWith('.json')
    ? (name.split('/').pop()?.slice(0, -'.json'.length) ?? '')
    : (Object.entries(routes).find(([id, route]) => id === name || `${route.method} ${route.path}` === name)?.[0] ?? name);
  const route = routes[routeId as keyof typeof routes];
  if (!route) throw new UsageProblem(`Usage: npm run invoke -- <route-id> [event.json]. Route ids: ${Object.keys(routes).join(', ')}`);
  const file = name.endsWith('.json') ? name : (given ?? resolve(process.env.EVENTS_DIR ?? resolve(PROJECT_ROOT, 'events'), `${routeId}.json`));
  if (given && !existsSync(file)) throw new UsageProblem(`No event file ${file}`);
  await checkLocalTable(endpoint);

  const table = `invoke-${randomUUID()}`;
  process.env.TABLE_NAME = table; // read by the data layer on first use, which comes only now
  const drop = () => localClient(endpoint).send(new DeleteTableCommand({ TableName: table }));
  process.once('SIGINT', () => void drop().finally(() => process.exit(130)));
  await ensureTable(endpoint, table);
  try {
    const { fillPlaceholders, sampleEvent, samplePlaceholders } = await import('./sample-events.ts');
    const values = await samplePlaceholders(process.env.LOCAL_API_KEY ?? '');
    // A route added without a sample file gets the one the route table generates (npm run events writes it).
    const event = fillPlaceholders(existsSync(file) ? readFileSync(file, 'utf8') : JSON.stringify(sampleEvent(routeId as RouteId)), values, file);
    const { handler } = await import(pathToFileURL(resolve(PROJECT_ROOT, route.entry)).href);
    const context = { awsRequestId: event.requestContext.requestId, functionName: routeId, getRemainingTimeInMillis: () => 29_000 };
    const result = await handler(event, context);
    let body = result.body;
    try {
      body = JSON.parse(body);
    } catch {} // a page or a file: printed as the text it is
    console.log(JSON.stringify({ ...result, body }, null, 2));
  } finally {
    await drop();
  }
});
