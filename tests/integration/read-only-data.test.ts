/**
 * A read route's handler runs alongside the session check (shared/http/handler.ts), inside readOnly:
 * its DynamoDB calls can read, and a write is refused before it leaves the process, so nothing is
 * written on behalf of a session not yet known to be open.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, readOnly, tableName, WriteRefused } from '../../shared/db/client.ts';

describe('the data client inside readOnly', () => {
  it('reads, and refuses a write before it leaves the process; outside, the same write goes through', async () => {
    const Key = { PK: 'READ-ONLY#probe', SK: 'PROBE' };
    await readOnly(async () => {
      expect((await db.send(new GetCommand({ TableName: tableName(), Key }))).Item).toBeUndefined();
      await expect(
        db.send(new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': Key.PK } })),
      ).resolves.toMatchObject({ Count: 0 });
      await expect(db.send(new PutCommand({ TableName: tableName(), Item: Key }))).rejects.toThrow(WriteRefused);
    });
    expect((await db.send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }))).Item).toBeUndefined();

    await db.send(new PutCommand({ TableName: tableName(), Item: Key }));
    await expect(db.send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }))).resolves.toMatchObject({ Item: Key });
  });
});
