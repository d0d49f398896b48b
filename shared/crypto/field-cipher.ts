/**
 * Encryption of personal fields at rest: a profile's personal fields, a payment's card number, a health
 * record's details. The stored form is `<keyId>.<base64url(iv | ciphertext | tag)>`: the key id lets
 * old items decrypt after a rotation, and the associated data (the item's kind and id) stops a
 * ciphertext being copied into another item.
 */
import { getSecrets } from '../config/index.ts';
import { decrypt, encrypt } from './aead.ts';

export async function sealField(plaintext: string, associatedData: string): Promise<string> {
  const { dataKeyId, dataKeys } = await getSecrets();
  // biome-ignore lint/style/noNonNullAssertion: deriveSecrets puts the current key id (dataKeyId) in dataKeys
  return `${dataKeyId}.${encrypt(dataKeys.get(dataKeyId)!, plaintext, associatedData).toString('base64url')}`;
}

export async function openField(sealed: string, associatedData: string): Promise<string> {
  const { dataKeys } = await getSecrets();
  const [keyId = '', body] = sealed.split('.');
  const key = dataKeys.get(keyId);
  const plaintext = key && body ? decrypt(key, Buffer.from(body, 'base64url'), associatedData) : undefined;
  if (plaintext === undefined) throw new Error(`Field ciphertext does not decrypt for ${associatedData.split(':')[0]}`);
  return plaintext;
}
