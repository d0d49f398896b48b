/** `npm start` as a user runs it: a fresh directory, the banner, the API, Ctrl-C, and a restart. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local/dynamodb.ts';
import { defined } from '../../tools/values.ts';
import { userShell } from '../support/shell.ts';

const START = resolve('tools/local/start.ts');
const TSX = import.meta.resolve('tsx');
const running: ChildProcess[] = [];
// SIGTERM, not SIGKILL: a killed runtime could not stop its Java child.
afterAll(() => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGTERM');
});

async function start(cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX, START], { cwd, env: userShell(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  for (const stream of [child.stdout, child.stderr]) defined(stream, 'a piped output of npm start').on('data', (c) => (output += c));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops')) done();
      else if (child.exitCode !== null) fail(new Error(output));
    }, 100);
    setTimeout(() => {
      clearInterval(timer);
      fail(new Error(`no banner:\n${output}`));
    }, 45_000);
  });
  return { child, output: () => output, exited };
}

const portOpen = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1')
      .once('connect', () => {
        socket.destroy();
        done(true);
      })
      .once('error', () => done(false));
  });

describe('npm start', () => {
  it('serves the whole API on localhost with generated secrets, and Ctrl-C stops Java too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'udp-start-'));
    const [port, dynamoPort, mailPort] = [await freePort(), await freePort(), await freePort()];
    const env = { PORT: String(port), DYNAMODB_PORT: String(dynamoPort), MAIL_PORT: String(mailPort), ADMIN_EMAIL: 'root@example.com' };
    const first = await start(dir, env);

    const banner = first.output();
    expect(banner).toContain(`http://localhost:${port}`);
    expect(banner).toContain(`http://127.0.0.1:${dynamoPort}`);
    const apiKey = defined(/API key\s+(\S+)/.exec(banner)?.[1], 'an API key in the banner');
    const [, adminEmail, adminPassword] = defined(/Admin login\s+(\S+) \/ (\S+)/.exec(banner), 'an admin login in the banner');
    expect(adminEmail).toBe('root@example.com');
    expect(statSync(join(dir, '.env.local')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, '.env.local'), 'utf8')).toContain(apiKey);

    const base = `http://localhost:${port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/me`)).status).toBe(403);
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: adminEmail, password: adminPassword }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const list = await fetch(`${base}/users`, { headers: { 'x-api-key': apiKey, authorization: `Bearer ${access_token}` } });
    expect(((await list.json()) as { items: { email: string }[] }).items.map((u: { email: string }) => u.email)).toEqual(['root@example.com']);
    // Off a terminal, one JSON line per request: the gateway's, which stands for the function's own.
    await expect.poll(first.output).toMatch(/"message":"request",.*"method":"GET","path":"\/users","status":200/);
    expect(first.output()).not.toContain('"route":"GET /users"');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(await portOpen(dynamoPort)).toBe(false);
    expect(await portOpen(port)).toBe(false);
    expect(await portOpen(mailPort)).toBe(false);

    // Data persists under .data/; the admin is not created twice; the same key still works.
    const second = await start(dir, env);
    expect(second.output()).not.toContain('(created)');
    const again = await fetch(`${base}/users`, { headers: { 'x-api-key': apiKey, authorization: `Bearer ${access_token}` } });
    expect(again.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await portOpen(dynamoPort)).toBe(false);
  }, 120_000);
});
