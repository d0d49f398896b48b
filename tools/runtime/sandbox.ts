/**
 * One Lambda execution environment: the real AWS Lambda Runtime Interface Client (aws-lambda-ric, built
 * on first use by ric.ts) in its own Node process, started as Lambda's Node.js bootstrap starts it,
 * talking to a Runtime API server of ours (the documented endpoints: invocation/next, invocation/{id}/response and /error,
 * init/error). One invocation at a time, as on Lambda.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Json } from '../values.ts';
import { installRuntimeClient } from './ric.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** The Node that npm ci installs from package.json (infra/runtime.ts's version), not the machine's. */
export const NODE = resolve(ROOT, 'node_modules/.bin/node');

const API = '/2018-06-01/runtime';
/** Lambda's limit on a synchronous invocation's response. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface Invocation {
  /** The handler's return value, or `error` as the runtime (or the sandbox) reported it. */
  result?: Json;
  error?: RuntimeError;
  /** From handing the event to the runtime to its answer. */
  durationMs: number;
}

export interface Sandbox {
  /** From starting the process to its first request for an event: Lambda's Init Duration. */
  initDurationMs: number;
  /** `node --version` of the executable the runtime process runs. */
  nodeVersion: string;
  /** What the function wrote to stdout and stderr, line by line (its log stream). */
  logs: string[];
  invoke(event: unknown): Promise<Invocation>;
  stop(): Promise<void>;
}

/**
 * Node's flags as Lambda's bootstrap sets them from the function's memory: a tenth for the young
 * generation (two semi-spaces), the rest for the old one.
 */
export function lambdaNodeArgs(memoryMB: number): string[] {
  const newSpace = Math.floor(memoryMB / 10);
  return ['--expose-gc', '--max-http-header-size', '81920', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMB - newSpace}`];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

const reply = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const versions = new Map<string, string>();
const versionOf = (executable: string) => {
  let version = versions.get(executable);
  if (version === undefined) {
    version = execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim();
    versions.set(executable, version);
  }
  return version;
};

interface Pending {
  id: string;
  event: unknown;
  settle(invocation: Invocation): void;
}

/**
 * Starts the runtime in `codeDir` (LAMBDA_TASK_ROOT) with exactly `environment` (nothing inherited
 * from this process) plus AWS_LAMBDA_RUNTIME_API, and resolves once its handler is loaded.
 */
export async function startSandbox(options: {
  codeDir: string;
  environment: Record<string, string>;
  functionArn: string;
  timeoutSeconds: number;
  tracing: boolean;
}): Promise<Sandbox> {
  const ric = await installRuntimeClient();
  const logs: string[] = [];
  const queue: Pending[] = [];
  let parked: ServerResponse | undefined; // the runtime's long-polling GET /next
  let current: (Pending & { startedAt: number; timer: NodeJS.Timeout }) | undefined;
  let initDurationMs = 0;
  let initialized: (error?: RuntimeError) => void = () => {};
  const init = new Promise<void>((done, fail) => {
    initialized = (error) => (error ? fail(Object.assign(new Error(`${error.errorType}: ${error.errorMessage}`), { logs })) : done());
  });

  const finish = (outcome: Omit<Invocation, 'durationMs'>) => {
    if (!current) return;
    const { settle, startedAt, timer } = current;
    clearTimeout(timer);
    current = undefined;
    settle({ ...outcome, durationMs: performance.now() - startedAt });
  };

  const dispatch = () => {
    if (!parked || current) return;
    const next = queue.shift();
    if (!next) return;
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // Lambda discards a timed-out environment
      finish({ error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds` } });
    }, options.timeoutSeconds * 1000);
    current = { ...next, startedAt: performance.now(), timer };
    const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=${options.tracing ? 1 : 0}`;
    parked.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': next.id,
      'lambda-runtime-deadline-ms': String(Date.now() + options.timeoutSeconds * 1000),
      'lambda-runtime-invoked-function-arn': options.functionArn,
      'lambda-runtime-trace-id': traceId,
    });
    parked.end(JSON.stringify(next.event));
    parked = undefined;
  };

  const server = createServer(async (req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${API}/invocation/next`) {
      initDurationMs ||= performance.now() - spawnedAt;
      initialized();
      parked = res;
      return dispatch();
    }
    const body = await readBody(req);
    if (req.method === 'POST' && url === `${API}/init/error`) {
      initialized(JSON.parse(body));
      return reply(res, 202, { status: 'OK' });
    }
    const [, id = '', kind] = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url) ?? [];
    if (req.method !== 'POST' || !kind) return reply(res, 404, { errorType: 'InvalidRequest', errorMessage: `${req.method} ${url}` });
    if (decodeURIComponent(id) !== current?.id) return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
    if (kind === 'response' && Buffer.byteLength(body) > MAX_RESPONSE_BYTES) {
      reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` });
      return finish({ error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size.' } });
    }
    reply(res, 202, { status: 'OK' });
    finish(kind === 'response' ? { result: JSON.parse(body) } : { error: JSON.parse(body) });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const runtimeApi = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const spawnedAt = performance.now();
  const memoryMB = Number(options.environment.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const child = spawn(NODE, [...lambdaNodeArgs(memoryMB), ric], {
    cwd: options.codeDir,
    env: { ...options.environment, AWS_LAMBDA_RUNTIME_API: runtimeApi, LAMBDA_TASK_ROOT: options.codeDir, LAMBDA_RUNTIME_DIR: dirname(ric) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const executable = realpathSync(`/proc/${child.pid}/exe`); // the process itself, not the path we asked for
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => logs.push(line));
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      initialized({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited before its first invocation (${signal ?? `exit status ${code}`})` });
      finish({ error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${signal ?? `exit status ${code}`}` } });
      for (const pending of queue.splice(0)) pending.settle({ error: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited' }, durationMs: 0 });
      done();
    }),
  );

  const stop = async () => {
    child.kill('SIGKILL');
    await exited;
    server.close();
    server.closeAllConnections();
  };
  try {
    await init;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    initDurationMs,
    nodeVersion: versionOf(executable),
    logs,
    invoke: (event) =>
      new Promise((settle) => {
        queue.push({ id: randomUUID(), event, settle });
        dispatch();
      }),
    stop,
  };
}
