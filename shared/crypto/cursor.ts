/**
 * Pagination cursors: DynamoDB's LastEvaluatedKey, encrypted and bound to the list it came from
 * (scope names the route and the partition), so a client can neither read nor forge a start key.
 * The form is `<keyId>-<base64url(iv | ciphertext | tag)>`: a cursor sealed before a key rotation still opens.
 */
import { getSecrets } from '../config/index.ts';
import { InvalidInput } from '../errors.ts';
import { decrypt, encrypt } from './aead.ts';

export type StartKey = Record<string, unknown>;

export async function sealCursor(lastKey: StartKey | undefined, scope: string): Promise<string | null> {
  if (!lastKey) return null;
  const { keyId, cursorKey } = await getSecrets();
  return `${keyId}-${encrypt(cursorKey, JSON.stringify(lastKey), scope).toString('base64url')}`;
}

export async function openCursor(cursor: string | undefined, scope: string): Promise<StartKey | undefined> {
  if (!cursor) return undefined;
  const { cursorKeys } = await getSecrets();
  const [, keyId = '', sealed = ''] = /^([A-Za-z0-9]+)-(.*)$/.exec(cursor) ?? [];
  const key = cursorKeys.get(keyId);
  const json = key && decrypt(key, Buffer.from(sealed, 'base64url'), scope);
  if (json === undefined) throw new InvalidInput('The cursor is invalid or belongs to another list.', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  return JSON.parse(json);
}
