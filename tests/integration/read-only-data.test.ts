/**
 * A function whose routes only read gets a data client that refuses writes (its role cannot write
 * either), so a read route that starts writing fails in `npm test` as it would on AWS.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function clientWith(dataAccess: string) {
  vi.stubEnv('DATA_ACCESS', dataAccess);
  vi.resetModules();
  return import('../../shared/db/client.ts');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('the data client of a read-only function', () => {
  it('reads, and refuses a write before it leaves the process', async () => {
    const { db, tableName, WriteRefused } = await clientWith('read');
    const Key = { PK: 'READ-ONLY#probe', SK: 'PROBE' };
    expect((await db.send(new GetCommand({ TableName: tableName(), Key }))).Item).toBeUndefined();
    await expect(
      db.send(new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': Key.PK } })),
    ).resolves.toMatchObject({ Count: 0 });
    await expect(db.send(new PutCommand({ TableName: tableName(), Item: Key }))).rejects.toThrow(WriteRefused);

    const writer = await clientWith('write');
    await writer.db.send(new PutCommand({ TableName: writer.tableName(), Item: Key }));
    await expect(writer.db.send(new GetCommand({ TableName: writer.tableName(), Key, ConsistentRead: true }))).resolves.toMatchObject({ Item: Key });
  });
});
