/**
 * `npm run seed` and `npm run items` against a local table, as a developer runs them: the demo
 * accounts sign in through the API with the printed passwords, a second seed adds nothing, and the
 * items print with their sealed fields opened.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { cdkJsonConfig } from '../../infra/config.ts';
import { localClient } from '../../tools/local/dynamodb.ts';
import { defined } from '../../tools/values.ts';
import { useGateway } from '../support/api.ts';

const TSX = import.meta.resolve('tsx');
const endpoint = defined(process.env.AWS_ENDPOINT_URL_DYNAMODB, 'the tests’ DynamoDB Local');
const table = defined(process.env.TABLE_NAME, 'this file’s table');
// npm start's directory: its .env.local holds the secret this file's gateway uses too.
const projectDir = mkdtempSync(join(tmpdir(), 'udp-seed-'));
writeFileSync(join(projectDir, '.env.local'), `APP_SECRET='${process.env.APP_SECRET}'\n`, { mode: 0o600 });

/** Runs a script as `npm run` would, with a user's shell: none of this test run's AWS settings or secret. */
function run(script: string, args: string[] = [], shell: Record<string, string> = {}) {
  const { AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, APP_SECRET, ...inherited } = process.env;
  const env = { ...inherited, DYNAMODB_PORT: new URL(endpoint).port, TABLE_NAME: table, ...shell };
  const child = spawn(process.execPath, ['--import', TSX, resolve(script), ...args], { cwd: projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

// As npm start runs it: admin routes without a second factor (ADMIN_MFA_REQUIRED=false), so the seeded admin reads /users.
const gateway = useGateway({}, { limits: { ...cdkJsonConfig(), adminMfaRequired: false } });
const itemCount = async () => (await localClient(endpoint).send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count;

describe('npm run seed', () => {
  it('writes to DynamoDB Local whatever AWS settings the shell has (a profile, an instruction to ignore the endpoint)', async () => {
    const config = join(projectDir, 'aws-config');
    writeFileSync(config, '[profile real]\naws_access_key_id = AKIAREALKEY\naws_secret_access_key = real\nregion = eu-west-1\n');
    const shell = {
      AWS_PROFILE: 'real',
      AWS_CONFIG_FILE: config,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      AWS_ENDPOINT_URL: 'https://dynamodb.eu-west-1.amazonaws.com',
    };
    const before = await itemCount();
    expect(await run('tools/local/seed.ts', [], shell)).toMatchObject({ code: 0, stderr: '' });
    expect(await itemCount()).toBeGreaterThan(defined(before, 'items before'));
  });

  it('loads demo accounts with the printed passwords and their data, and adds nothing when run again', async () => {
    const first = await run('tools/local/seed.ts');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const [, adminEmail, adminPassword] = defined(/Admin +(\S+) \/ (\S+)/.exec(first.stdout), 'the admin line');
    const [, userEmail, userPassword] = defined(/User +(\S+) \/ (\S+)/.exec(first.stdout), 'the user line');

    const admin = await gateway.api.post('/auth/login', { email: adminEmail, password: adminPassword });
    expect(admin.status).toBe(200);
    const everyone = await gateway.api.get('/users', { token: admin.body.access_token });
    expect(everyone.body.items.map((u: { email: string; role: string }) => [u.email, u.role]).sort()).toEqual([
      [adminEmail, 'admin'],
      [userEmail, 'user'],
    ]);
    const login = await gateway.api.post('/auth/login', { email: userEmail, password: userPassword });
    expect(login.status).toBe(200);
    const token = login.body.access_token;
    expect((await gateway.api.get('/kv', { token })).body.items).toHaveLength(3);
    expect((await gateway.api.get('/records', { token })).body.items).toHaveLength(2);
    expect((await gateway.api.get('/payments', { token })).body.items).toHaveLength(3);

    const items = await itemCount();
    const again = await run('tools/local/seed.ts');
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('all there already');
    expect(again.stdout).toContain(`${userEmail} / ${userPassword}`);
    expect(await itemCount()).toBe(items);
    expect((await gateway.api.get('/kv/settings%2Ftheme', { token })).body.version).toBe(1);
  });
});

describe('npm run items', () => {
  // After the seed above: the demo data is in the table.
  it('prints every item with its sealed fields opened, from DynamoDB Local even when the shell points at AWS', async () => {
    // A reset link too: its sealed data (the address it went to) is one more kind of sealed field.
    expect((await gateway.api.post('/auth/password/forgot', { email: 'demo-user@example.com' })).status).toBe(202);
    const shell = { AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com', AWS_REGION: 'eu-west-1' };
    const { code, stdout, stderr } = await run('tools/local/items.ts', [], shell);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const items = JSON.parse(stdout) as Record<string, unknown>[];
    expect(items).toHaveLength(defined(await itemCount(), 'items'));
    const sealed = items.flatMap((item) => Object.keys(item).filter((name) => name.endsWith('_sealed')));
    expect(sealed.length).toBeGreaterThan(0);
    const openedValues = items.flatMap((item) => Object.entries(item).filter(([name]) => name.endsWith('_opened'))).map(([, value]) => value);
    expect(openedValues).toHaveLength(sealed.length); // each one opened
    expect(openedValues).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Uma User', email: 'demo-user@example.com' })]));
    expect(openedValues).toEqual(expect.arrayContaining(['5555555555554444', expect.objectContaining({ name: 'Sam Sample', dob: '1984-11-30' })]));
    expect(JSON.stringify(openedValues)).not.toContain('does not open');
    // Every kind of sealed field opens (the demo sign-ins above left sessions and activity), but the one
    // sealed to a refresh token, which the table never holds.
    const unopened = items.flatMap((item) =>
      Object.entries(item)
        .filter(([name, value]) => name.endsWith('_opened') && typeof value === 'string' && value.startsWith('('))
        .map(([name]) => `${item.entity} ${name}`),
    );
    expect(unopened.filter((kind) => kind !== 'refresh_token successor_opened')).toEqual([]);
    expect(items.filter((item) => item.entity === 'session').map((item) => typeof item.client_opened)).toContain('object');
    expect(items.filter((item) => item.entity === 'activity').map((item) => typeof item.client_opened)).toContain('object');
    expect(items.filter((item) => item.entity === 'link').map((item) => item.data_opened)).toContainEqual({ email: 'demo-user@example.com' });
  });

  it('prints only the items whose partition key starts with the prefix given', async () => {
    const { stdout } = await run('tools/local/items.ts', ['USER#']);
    const items = JSON.parse(stdout) as { PK: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.PK.startsWith('USER#'))).toBe(true);
  });
});
