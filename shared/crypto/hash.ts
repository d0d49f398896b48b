import { createHash, createHmac } from 'node:crypto';
import { getSecrets } from '../config/index.ts';
import { keyObject } from './aead.ts';

const hmac = (pepper: Buffer, purpose: string, value: string) => createHmac('sha256', keyObject(pepper)).update(`${purpose}:${value}`).digest('base64url');

/** HMAC-SHA256 under the secret pepper: a lookup key that cannot be brute-forced offline. */
export async function keyedHash(purpose: string, value: string): Promise<string> {
  return hmac((await getSecrets()).pepper, purpose, value);
}

/** The keyed hash under every pepper still in use, the current key first, with its key id. */
export async function keyedHashes(purpose: string, value: string): Promise<{ keyId: string; hash: string }[]> {
  const { peppers } = await getSecrets();
  return [...peppers].map(([keyId, pepper]) => ({ keyId, hash: hmac(pepper, purpose, value) }));
}

/** Plain SHA-256 is right for high-entropy random tokens (refresh tokens), never for phones. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
