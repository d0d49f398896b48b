/**
 * Every route has a sample event, generated from the route table (`npm run events`) and current, and
 * each sample runs through its handler with the documented status.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas/api-gateway';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import { fillSampleEvent, sampleEvent, samplePlaceholders } from '../../tools/local/sample-events.ts';

describe('events/', () => {
  it('holds exactly one sample event per route', () => {
    const files = readdirSync('events')
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual(Object.keys(routes).sort());
  });

  it.each(Object.keys(routes))('%s: the file is what the route table generates (after changing a route, run npm run events)', (id) => {
    expect(JSON.parse(readFileSync(`events/${id}.json`, 'utf8'))).toEqual(sampleEvent(id as keyof typeof routes));
  });

  it.each(Object.entries(routes))('%s: the sample is a valid REST v1 event and its handler succeeds', async (id, route) => {
    const event = fillSampleEvent(`events/${id}.json`, await samplePlaceholders('sample-key'));
    expect(APIGatewayProxyEventSchema.safeParse(event).success).toBe(true);
    expect(event.httpMethod).toBe(route.method);
    expect(event.resource).toBe(route.path);
    const { handler } = await import(pathToFileURL(resolve(route.entry)).href);
    const result = await handler(event, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => 29_000 });
    expect(result.statusCode, result.body).toBe(route.status);
  });
});
