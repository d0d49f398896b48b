/**
 * The key-value handlers get the key right whether API Gateway hands `pathParameters` over
 * percent-encoded (the raw path segment) or decoded (as the local gateway does).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as getHandler } from '../../functions/kv/get.ts';
import { handler as putHandler } from '../../functions/kv/put.ts';
import { fillSampleEvent, samplePlaceholders } from '../../tools/local/sample-events.ts';

const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 29_000 } as never;

function kvEvent(file: string, values: Record<string, string>, key: string, shape: 'encoded' | 'decoded'): APIGatewayProxyEvent {
  const event = fillSampleEvent(file, values);
  const raw = encodeURIComponent(key);
  // The sample PUT is a compare-and-swap of an existing entry; these are plain writes of new keys.
  for (const name of ['If-Match', 'Content-Length']) {
    delete event.headers[name];
    delete event.multiValueHeaders[name];
  }
  return {
    ...event,
    path: `/kv/${raw}`,
    requestContext: { ...event.requestContext, path: `/prod/kv/${raw}` },
    pathParameters: { key: shape === 'encoded' ? raw : key },
  };
}

describe('kv handlers and percent-encoded keys', () => {
  it('write with one event shape and read with the other, keys with a literal % included', async () => {
    const values = await samplePlaceholders('sample-key');
    for (const [key, put, get] of [
      ['100% sure %41', 'encoded', 'decoded'],
      ['literal %2F/real slash', 'decoded', 'encoded'],
      ['a+b c/ключ 🔑', 'encoded', 'encoded'],
    ] as const) {
      const written = await putHandler({ ...kvEvent('events/kv.put.json', values, key, put), body: JSON.stringify(key) }, context);
      expect(written.statusCode, written.body).toBe(201);
      expect(written.headers?.location).toBe(`/prod/kv/${encodeURIComponent(key)}`);
      const read = await getHandler(kvEvent('events/kv.get.json', values, key, get), context);
      expect(read.statusCode, read.body).toBe(200);
      expect(JSON.parse(read.body)).toMatchObject({ key, value: key });
    }
  });
});
