import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it, vi } from 'vitest';
import { deriveSecrets } from '../../shared/config/index.ts';
import { decrypt, encrypt } from '../../shared/crypto/aead.ts';
import { openCursor, sealCursor } from '../../shared/crypto/cursor.ts';
import { openField, sealField } from '../../shared/crypto/field-cipher.ts';
import { keyedHash, sha256 } from '../../shared/crypto/hash.ts';
import { hashPassword, verifyPassword } from '../../shared/crypto/passwords.ts';
import { ACCESS_TOKEN_SECONDS, signAccessToken, verifyAccessToken } from '../../shared/crypto/tokens.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { defined } from '../../tools/values.ts';

describe('field encryption (AES-256-GCM)', () => {
  it('round-trips, uses a fresh IV each time and names its key', async () => {
    const a = await sealField('9876543210', 'user:1:phone');
    const b = await sealField('9876543210', 'user:1:phone');
    expect(a).not.toBe(b);
    expect(a).not.toContain('9876543210');
    expect(a.split('.')[0]).toBe('1');
    expect(await openField(a, 'user:1:phone')).toBe('9876543210');
  });

  it('refuses a ciphertext moved to another record or tampered with', async () => {
    const sealed = await sealField('9876543210', 'user:1:phone');
    await expect(openField(sealed, 'user:2:phone')).rejects.toThrow(/does not decrypt/);
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    await expect(openField(flipped, 'user:1:phone')).rejects.toThrow();
  });

  it('keeps old ciphertexts readable after a key rotation', () => {
    const before = deriveSecrets({ keyId: '1', masterKey: 'a'.repeat(40) });
    const after = deriveSecrets({ keyId: '2', masterKey: 'b'.repeat(40), retiredKeys: { '1': 'a'.repeat(40) } });
    const oldKey = defined(before.dataKeys.get('1'), 'data key 1 before the rotation');
    const sealed = encrypt(oldKey, 'secret', 'ctx');
    expect(decrypt(defined(after.dataKeys.get('1'), 'retired data key 1 after the rotation'), sealed, 'ctx')).toBe('secret');
    expect(after.dataKeyId).toBe('2');
    expect(defined(after.dataKeys.get('2'), 'data key 2 after the rotation').equals(oldKey)).toBe(false);
  });

  it('derives a different key for every purpose', () => {
    const s = deriveSecrets({ keyId: '1', masterKey: randomBytes(32).toString('hex') });
    const all = [Buffer.from(s.jwtKey), s.pepper, s.cursorKey, defined(s.dataKeys.get('1'), 'data key 1')].map((k) => k.toString('hex'));
    expect(new Set(all).size).toBe(4);
    expect(() => deriveSecrets({ keyId: '1', masterKey: 'short' })).toThrow(/at least 32/);
  });
});

describe('pagination cursors', () => {
  it('are opaque and only open for the list they came from', async () => {
    const key = { PK: 'USER#1', SK: 'PROFILE', GSI1PK: 'USERS', GSI1SK: '2026#1' };
    const cursor = defined(await sealCursor(key, 'users.list'), 'a cursor');
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('USER#');
    expect(await openCursor(cursor, 'users.list')).toEqual(key);
    await expect(openCursor(cursor, 'payments.list:someone')).rejects.toBeInstanceOf(InvalidInput);
    expect(await sealCursor(undefined, 'users.list')).toBeNull();
    expect(await openCursor(undefined, 'users.list')).toBeUndefined();
  });
});

describe('hashing', () => {
  it('keys lookup hashes with the secret pepper, unlike plain SHA-256', async () => {
    const keyed = await keyedHash('login', 'email:a@example.com');
    expect(keyed).not.toBe(sha256('login:email:a@example.com'));
    expect(keyed).toBe(await keyedHash('login', 'email:a@example.com'));
    expect(keyed).not.toBe(await keyedHash('phone', 'email:a@example.com'));
  });

  it('verifies passwords with bcrypt and never accepts a missing hash', async () => {
    const hash = await hashPassword('Correct-Horse-9');
    expect(hash).toMatch(/^\$2b\$1\d\$/);
    expect(await verifyPassword('Correct-Horse-9', hash)).toBe(true);
    expect(await verifyPassword('Correct-Horse-8', hash)).toBe(false);
    expect(await verifyPassword('dummy password for timing', undefined)).toBe(false);
  });

  it('runs one bcrypt at the configured cost for an unknown account, the first check of an instance included', async () => {
    vi.resetModules(); // a fresh instance: no dummy hash made yet
    const fresh = await import('../../shared/crypto/passwords.ts');
    const { env } = await import('../../shared/config/index.ts');
    const hash = vi.spyOn(bcrypt, 'hash');
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      expect(await fresh.verifyPassword('Correct-Horse-9', undefined)).toBe(false);
      expect(hash).not.toHaveBeenCalled(); // a second hash made the first login twice a warm one
      expect(compare).toHaveBeenCalledTimes(1);
      expect(bcrypt.getRounds(String(compare.mock.calls[0]?.[1]))).toBe(env.bcryptCost);
    } finally {
      hash.mockRestore();
      compare.mockRestore();
    }
  });

  it('refuses a password over 72 bytes that bcrypt would match by its prefix', async () => {
    const prefix = `Aa1!${'x'.repeat(68)}`;
    const hash = await hashPassword(prefix);
    expect(await verifyPassword(prefix, hash)).toBe(true);
    expect(await verifyPassword(`${prefix}anything`, hash)).toBe(false);
  });
});

describe('access tokens', () => {
  const claims = { sub: 'user-1', role: 'user', sid: 'session-1' } as const;

  it('stop working when they expire, even after a warm function has verified them', async () => {
    const token = await signAccessToken(claims);
    expect(await verifyAccessToken(token)).toEqual(claims);
    vi.useFakeTimers({ now: Date.now() + (ACCESS_TOKEN_SECONDS + 1) * 1000, toFake: ['Date'] });
    try {
      await expect(verifyAccessToken(token)).rejects.toThrow(/exp/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('are refused when changed in signature or claims, even when the original was verified', async () => {
    const token = await signAccessToken(claims);
    await verifyAccessToken(token);
    const part = (i: number) => defined(token.split('.')[i], `part ${i} of the JWT`);
    const signature = part(2);
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expect(verifyAccessToken(token.replace(signature, flipped))).rejects.toThrow();
    const admin = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(part(1), 'base64url').toString()), role: 'admin' })).toString('base64url');
    await expect(verifyAccessToken(`${part(0)}.${admin}.${part(2)}`)).rejects.toThrow();
  });
});
