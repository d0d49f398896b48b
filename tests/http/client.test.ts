/**
 * The typed client (`npm run client`): shared/client/api.ts is what openapi-typescript makes of
 * today's OpenAPI document, and openapi-fetch with those types talks to the API (this file is
 * type-checked by `tsc -p .` like every test).
 */
import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import type { paths } from '../../shared/client/api.ts';
import { CLIENT_TYPES_FILE, clientTypes, OPENAPI_FILE, openApiText } from '../../tools/client.ts';
import { PASSWORD, uniqueEmail, verificationToken } from '../support/accounts.ts';
import { API_KEY, useGateway } from '../support/api.ts';

const gateway = useGateway();

describe('the typed client', () => {
  it('is generated from the current OpenAPI document (after changing the API, run npm run client)', async () => {
    expect(await clientTypes()).toBe(readFileSync(CLIENT_TYPES_FILE, 'utf8'));
    expect(openApiText()).toBe(readFileSync(OPENAPI_FILE, 'utf8')); // the document GET /openapi.json serves
  });

  it('registers, signs in and writes and reads a key-value entry', async () => {
    const client = createClient<paths>({ baseUrl: gateway.api.baseUrl, headers: { 'x-api-key': API_KEY } });
    const email = uniqueEmail('client');

    const registered = await client.POST('/auth/register', { body: { email, password: PASSWORD, name: 'Typed Client' } });
    expect(registered.response.status).toBe(202);
    expect(registered.data?.email).toBe(email);
    const verified = await client.POST('/auth/verify', { body: { token: await verificationToken(email), password: PASSWORD } });
    expect(verified.data?.user.email).toBe(email);

    const signedIn = await client.POST('/auth/login', { body: { email, password: PASSWORD } });
    if (!signedIn.data || 'mfa_required' in signedIn.data) throw new Error(`Sign-in failed: ${signedIn.error?.detail}`);
    const headers = { authorization: `Bearer ${signedIn.data.access_token}` };

    const key = 'settings/theme'; // openapi-fetch encodes the path parameter: settings%2Ftheme
    const created = await client.PUT('/kv/{key}', { params: { path: { key }, header: { 'If-None-Match': '*' } }, body: { mode: 'dark' }, headers });
    expect(created.response.status).toBe(201);
    expect(created.data?.version).toBe(1);

    const read = await client.GET('/kv/{key}', { params: { path: { key } }, headers });
    expect(read.data?.value).toEqual({ mode: 'dark' });
    expect(read.response.headers.get('etag')).toBe('"1"');

    const missing = await client.GET('/kv/{key}', { params: { path: { key: 'no such key' } }, headers });
    expect(missing.error).toMatchObject({ status: 404, title: 'Not Found' });
  });
});
