/**
 * One instance of a function, in a worker thread started by tools/local/lambda.ts. Its init phase
 * imports the handler module (a module graph of its own); then it runs one invocation at a time, as
 * Lambda's Node runtime does. A handler that rejects is a function error and the instance stays warm;
 * an uncaught exception ends the worker, as it ends the runtime process on Lambda.
 */
import { enableCompileCache, flushCompileCache } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface InstanceData {
  file: string;
  functionName: string;
  functionArn: string;
  memoryMB: number;
  logGroupName: string;
  logStreamName: string;
}

export interface Invocation {
  awsRequestId: string;
  timeoutMs: number;
  event: unknown;
}

export type Reply = { ready: true } | { result: unknown } | { error: { name: string; message: string } };

const data = workerData as InstanceData;
const parent = parentPort;
if (!parent) throw new Error('lambda-worker.ts runs only in a worker thread (tools/local/lambda.ts starts it)');
// V8's code cache on disk, shared by every instance and run: a cold start compiles only what changed.
enableCompileCache();
const { handler } = (await import(pathToFileURL(data.file).href)) as { handler: (event: unknown, context: Context) => Promise<unknown> };
flushCompileCache();

// Whatever the handler wrote reaches the parent's stdout before its response does, so a log line is
// never printed after the request it belongs to (and a test reading stdout sees it). A worker's write
// is done when the parent has taken it; with nothing still pending there is nothing to wait for, and
// the empty write would cost a round trip to the parent's thread on every invocation.
const flushed = (stream: NodeJS.WriteStream) => (stream.writableLength === 0 ? undefined : new Promise<void>((done) => stream.write('', () => done())));

parent.on('message', async ({ awsRequestId, timeoutMs, event }: Invocation) => {
  // From this thread's clock: a test that fakes Date in the caller must not shorten the function's time.
  const deadline = Date.now() + timeoutMs;
  const context: Context = {
    awsRequestId,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.functionArn,
    memoryLimitInMB: String(data.memoryMB),
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let reply: Reply;
  try {
    reply = { result: await handler(event, context) };
  } catch (error) {
    console.error(`${awsRequestId}\tERROR\tInvoke Error`, error); // what Lambda's runtime logs
    reply = { error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } };
  }
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  parent.postMessage(reply);
});
parent.postMessage({ ready: true } satisfies Reply);
