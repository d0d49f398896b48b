/**
 * `npm start` where a developer's day goes wrong: ports already taken, a runtime killed hard. Each
 * runtime is a real child process in a fresh directory, as a user's shell starts it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, localClient, portInUse } from '../../tools/local/dynamodb.ts';
import { defined } from '../../tools/values.ts';
import { userShell } from '../support/shell.ts';

const START = resolve('tools/local/start.ts');
const TSX = import.meta.resolve('tsx');
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

function start(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'udp-loop-'));
  const child = spawn(process.execPath, ['--import', TSX, START], { cwd, env: userShell(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, cwd, output: () => output, exited };
}

async function started(env: Record<string, string>) {
  const runtime = start(env);
  for (const begun = Date.now(); !runtime.output().includes('Ctrl-C stops'); await new Promise((r) => setTimeout(r, 100))) {
    if (runtime.child.exitCode !== null || Date.now() - begun > 45_000) throw new Error(`no banner:\n${runtime.output()}`);
  }
  return runtime;
}

/** The Java processes running DynamoDB Local on the port (not the shell that may wrap one). */
function javaOn(port: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args[0] === 'java' && args.some((a) => a.endsWith('DynamoDBLocal.jar')) && args[args.indexOf('-port') + 1] === String(port);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}
const javas: number[] = [];
afterAll(() => {
  for (const pid of javas) {
    try {
      process.kill(pid, 'SIGKILL'); // only if the test failed: one this file started
    } catch {}
  }
});

const noStack = (output: string) => expect(output).not.toMatch(/^\s+at /m);

describe('ports already taken', () => {
  it('refuses a DynamoDB it did not start: names the port and the setting, exits, and writes nothing there', async () => {
    // This test run's own DynamoDB Local listens on its port: npm start must not use it.
    const endpoint = defined(process.env.AWS_ENDPOINT_URL_DYNAMODB, 'the tests’ DynamoDB Local');
    const taken = new URL(endpoint).port;
    const table = `loop-${Date.now()}`;
    const runtime = start({ PORT: String(await freePort()), DYNAMODB_PORT: taken, MAIL_PORT: String(await freePort()), IN_MEMORY: '1', TABLE_NAME: table });
    expect(await runtime.exited).toBe(1);
    expect(runtime.output()).toContain(`Port ${taken} is in use`);
    expect(runtime.output()).toContain(`DYNAMODB_PORT=${Number(taken) + 1} npm start`);
    noStack(runtime.output());
    const { TableNames = [] } = await localClient(endpoint).send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(table);
  }, 60_000);

  it('says which API port is taken and how to choose another, without a stack or a Java left running', async () => {
    const squatter = createServer();
    await new Promise<void>((done) => squatter.listen(0, done));
    const port = (squatter.address() as { port: number }).port;
    const dynamoPort = await freePort();
    try {
      const runtime = start({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), MAIL_PORT: String(await freePort()), IN_MEMORY: '1' });
      expect(await runtime.exited).toBe(1);
      expect(runtime.output().trim()).toBe(
        `Port ${port} is in use by another program, so the API cannot listen on it. Stop that program, or choose another port: PORT=${port + 1} npm start`,
      );
      expect(await portInUse(dynamoPort)).toBe(false); // it stopped before starting DynamoDB Local
    } finally {
      squatter.close();
    }
  }, 60_000);
});

describe('a running npm start', () => {
  let runtime: Awaited<ReturnType<typeof started>>;
  let port: number;
  let dynamoPort: number;
  let mailPort: number;
  beforeAll(async () => {
    [port, dynamoPort, mailPort] = [await freePort(), await freePort(), await freePort()];
    runtime = await started({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), MAIL_PORT: String(mailPort), IN_MEMORY: '1' });
  }, 60_000);

  it('lists the console, the API docs, the API base URL and the mailbox in its banner, each answering', async () => {
    const base = `http://localhost:${port}`;
    expect(runtime.output()).toMatch(new RegExp(`Console +${base}/\n`));
    expect(runtime.output()).toMatch(new RegExp(`API docs +${base}/docs\n`));
    expect(runtime.output()).toMatch(new RegExp(`API +${base} `));
    expect(runtime.output()).toMatch(new RegExp(`Mail +http://localhost:${mailPort}/ `));
    for (const path of ['/', '/docs', '/health']) expect((await fetch(`${base}${path}`)).status, path).toBe(200);
    const mailPage = await fetch(`http://localhost:${mailPort}/`);
    expect([mailPage.status, mailPage.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    expect(await (await fetch(`http://localhost:${mailPort}/store`)).json()).toMatchObject({ emails: [] });
  });

  it('takes its Java with it within seconds when killed with SIGKILL', async () => {
    const java = javaOn(dynamoPort);
    expect(java).toHaveLength(1);
    javas.push(...java);
    runtime.child.kill('SIGKILL');
    await expect.poll(() => javaOn(dynamoPort), { timeout: 5_000 }).toEqual([]);
    await expect.poll(() => portInUse(dynamoPort), { timeout: 2_000 }).toBe(false); // an exiting process frees its sockets last
  });
});
