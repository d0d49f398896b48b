/**
 * Pagination cursors: DynamoDB's LastEvaluatedKey, encrypted and bound to the list it came from
 * (scope names the route and the partition), so a client can neither read nor forge a start key.
 */
import { getSecrets } from '../config/index.ts';
import { InvalidInput } from '../errors.ts';
import { decrypt, encrypt } from './aead.ts';

export type StartKey = Record<string, unknown>;

export async function sealCursor(lastKey: StartKey | undefined, scope: string): Promise<string | null> {
  if (!lastKey) return null;
  const { cursorKey } = await getSecrets();
  return encrypt(cursorKey, JSON.stringify(lastKey), scope).toString('base64url');
}

export async function openCursor(cursor: string | undefined, scope: string): Promise<StartKey | undefined> {
  if (!cursor) return undefined;
  const { cursorKey } = await getSecrets();
  const json = decrypt(cursorKey, Buffer.from(cursor, 'base64url'), scope);
  if (json === undefined) throw new InvalidInput('The cursor is invalid or belongs to another list.', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  return JSON.parse(json);
}
