import createClient from 'openapi-fetch';
import type { paths } from '../../shared/client/api.ts'; // the API's types (npm run client writes them)

const { URL: baseUrl = 'http://localhost:3000', KEY = '', EMAIL = '' } = process.env; // from the first session
const api = createClient<paths>({ baseUrl, headers: { 'x-api-key': KEY } });

const { data: session, error } = await api.POST('/auth/login', { body: { email: EMAIL, password: 'Str0ng!Passw0rd' } });
if (error) throw new Error(error.detail); // an RFC 9457 problem, typed
if ('mfa_required' in session) throw new Error('This account has a second factor: finish with POST /auth/login/mfa');
const headers = { authorization: `Bearer ${session.access_token}` };
const path = { key: 'settings/language' }; // encoded for you: settings%2Flanguage
await api.PUT('/kv/{key}', { params: { path }, body: 'en', headers });
const { data: entry } = await api.GET('/kv/{key}', { params: { path }, headers });
console.log(JSON.stringify(entry));
