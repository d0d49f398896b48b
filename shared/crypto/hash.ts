import { createHash, createHmac } from 'node:crypto';
import { getSecrets } from '../config/index.ts';

/** HMAC-SHA256 under the secret pepper: a lookup key that cannot be brute-forced offline. */
export async function keyedHash(purpose: string, value: string): Promise<string> {
  const { pepper } = await getSecrets();
  return createHmac('sha256', pepper).update(`${purpose}:${value}`).digest('base64url');
}

/** Plain SHA-256 is right for high-entropy random tokens (refresh tokens), never for phones. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
