/**
 * `npm run invoke` as a developer runs it: a route's sample event found by itself, one clear line when
 * something is missing, and nothing left in the table afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { freePort, localClient } from '../../tools/local/dynamodb.ts';
import { defined } from '../../tools/values.ts';

const INVOKE = resolve('tools/local/invoke.ts');
const TSX = import.meta.resolve('tsx');
const endpoint = defined(process.env.AWS_ENDPOINT_URL_DYNAMODB, 'the tests’ DynamoDB Local');
const table = defined(process.env.TABLE_NAME, 'this file’s table');

/** Runs invoke from a directory of its own, with a user's shell: none of this test run's AWS settings. */
function invoke(args: string[], env: Record<string, string> = {}) {
  const { AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, TABLE_NAME, ...inherited } = process.env;
  const cwd = mkdtempSync(join(tmpdir(), 'udp-invoke-'));
  const child = spawn(process.execPath, ['--import', TSX, INVOKE, ...args], { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

const localDynamo = { DYNAMODB_PORT: new URL(endpoint).port, TABLE_NAME: table };

describe('npm run invoke', () => {
  it('says in one line that DynamoDB Local is not running', async () => {
    const port = await freePort();
    const { code, stderr } = await invoke(['kv.get'], { DYNAMODB_PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr).toBe(`DynamoDB Local is not running on http://127.0.0.1:${port}: start it with npm start (or set DYNAMODB_PORT to the port it runs on).\n`);
  });

  it('says in one line that the event file is missing, or the route unknown', async () => {
    const missing = await invoke(['kv.get', 'events/no-such-event.json'], localDynamo);
    expect(missing).toMatchObject({ code: 2, stderr: 'No event file events/no-such-event.json\n' });
    const unknown = await invoke(['kv.fetch'], localDynamo);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Usage: npm run invoke -- <route-id> \[event\.json\]\. Route ids: .*kv\.get.*\n$/);
  });

  it('finds the route’s sample event by itself, and leaves no account, data or table behind', async () => {
    const tablesBefore = (await localClient(endpoint).send(new ListTablesCommand({}))).TableNames;
    const got = await invoke(['kv.get'], localDynamo);
    expect(got.stderr).toBe('');
    expect(JSON.parse(got.stdout.slice(got.stdout.indexOf('{\n')))).toMatchObject({
      statusCode: 200,
      body: { key: 'settings/theme', value: { mode: 'light' } },
    });
    const registered = await invoke(['POST /auth/register'], localDynamo); // a handler that itself creates an account
    expect(registered.stdout).toContain('"statusCode": 202');

    expect((await localClient(endpoint).send(new ScanCommand({ TableName: table }))).Count).toBe(0);
    const tablesAfter = (await localClient(endpoint).send(new ListTablesCommand({}))).TableNames ?? [];
    expect(tablesAfter.filter((name) => name.startsWith('invoke-'))).toEqual([]);
    expect(tablesAfter).toEqual(expect.arrayContaining(tablesBefore ?? []));
  });

  it('gives a route without a sample file the event the route table generates', async () => {
    const noEvents = mkdtempSync(join(tmpdir(), 'udp-no-events-'));
    const put = await invoke(['kv.put'], { ...localDynamo, EVENTS_DIR: noEvents });
    expect(put.stderr).toBe('');
    expect(JSON.parse(put.stdout.slice(put.stdout.indexOf('{\n')))).toMatchObject({ statusCode: 200, body: { key: 'settings/theme', version: 2 } });
  });
});
