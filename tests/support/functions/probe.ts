/**
 * A fixture function for tests/http/local-lambda.test.ts (the local Lambda service runs it from a
 * spec of the test's own): it reports what its instance sees, and misbehaves when asked to.
 * Query: log=<text> (one line on stdout), sleep=<ms>, do=throw|crash|spin, secret=<arn> and port=<port> (read
 * through the extension with its own token), respond=<n> (a body of n bytes instead).
 */
import { threadId } from 'node:worker_threads';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { consoleApiKey, getSecrets } from '../../../shared/config/index.ts';
import { state } from './state.ts';

/** When this instance's init loaded the module. */
const loadedAt = Date.now();

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: Error) => `${error.name}: ${error.message}`,
  );

async function readThroughExtension(secretId: string, port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773') {
  return fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
  }).then(
    (response) => response.status,
    () => 'unreachable',
  );
}

export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const query = event.queryStringParameters ?? {};
  state.invocations += 1;
  state.running += 1;
  state.mostRunning = Math.max(state.mostRunning, state.running);
  try {
    if (query.log) console.log(query.log);
    if (query.sleep) await new Promise((done) => setTimeout(done, Number(query.sleep)));
    if (query.do === 'throw') throw new Error('thrown by the probe');
    if (query.do === 'crash')
      await new Promise(() =>
        setImmediate(() => {
          throw new Error('uncaught in the probe');
        }),
      );
    if (query.do === 'spin') for (;;);
    if (query.respond) return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(Number(query.respond)) };
    const body = {
      threadId,
      loadedAt,
      ...state,
      env: { ...process.env },
      context: {
        functionName: context.functionName,
        memoryLimitInMB: context.memoryLimitInMB,
        invokedFunctionArn: context.invokedFunctionArn,
        remainingMs: context.getRemainingTimeInMillis(),
      },
      appSecret: await outcome(getSecrets()),
      apiKey: await consoleApiKey().catch((error: Error) => `${error.name}: ${error.message}`),
      ...(query.secret && { extension: await readThroughExtension(query.secret, query.port) }),
    };
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  } finally {
    state.running -= 1;
  }
}
