/**
 * `npm start`: DynamoDB Local + the table + local secrets + an admin account + the API on localhost.
 * Also the local SES (tools/local/mail.ts), where the API's mail lands.
 * Overrides: PORT, IN_MEMORY=1, DYNAMODB_PORT, MAIL_PORT, TABLE_NAME, LOCAL_API_KEY, LOCAL_CONSOLE_KEY, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_MFA_REQUIRED,
 * LOG_LEVEL (tools/local/log.ts).
 */

import { resolve } from 'node:path';
import { ensureTable, localAwsEnvironment, portInUse, startDynamoLocal } from './dynamodb.ts';
import { loadLocalEnv, requiredEnv } from './env-file.ts';
import { type LogLevel, localLog, parseLogLevel } from './log.ts';

const { created } = loadLocalEnv();
const port = Number(process.env.PORT ?? 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);
const mailPort = Number(process.env.MAIL_PORT ?? 8005);
const inMemory = process.env.IN_MEMORY === '1';
process.env.TABLE_NAME ??= 'user-data';
process.env.PUBLIC_URL ??= `http://localhost:${port}`; // the base of every link in a mail
// Deployed, admin routes need an admin with a second factor; locally the bootstrapped admin has none, so off unless set.
process.env.ADMIN_MFA_REQUIRED ??= 'false';
process.env.TZ = 'UTC'; // Lambda's zone; it is process-wide, so the functions' workers follow it

let logLevel: LogLevel;
try {
  logLevel = parseLogLevel(process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
// On a terminal, text in colour (unless NO_COLOR); JSON lines into a pipe or a file.
const log = localLog({
  level: logLevel,
  json: !process.stdout.isTTY,
  colour: process.stdout.isTTY && process.stdout.hasColors(),
  write: (line) => process.stdout.write(`${line}\n`),
});

/**
 * A taken port stops the start before anything runs. DynamoDB Local does not move to another port:
 * `npm run invoke`, `seed` and `items` find it by DYNAMODB_PORT, and would reach the other program.
 */
const portTaken = (taken: number, variable: string, what: string) =>
  `Port ${taken} is in use by another program, so ${what} cannot listen on it. Stop that program, or choose another port: ${variable}=${taken + 1} npm start`;
for (const [value, variable, what] of [
  [port, 'PORT', 'the API'],
  [dynamoPort, 'DYNAMODB_PORT', 'DynamoDB Local (npm start never uses a DynamoDB it did not start)'],
  [mailPort, 'MAIL_PORT', 'the local mail server'],
] as const) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${variable} must be a port number (1-65535), not ${process.env[variable]}`);
    process.exit(1);
  }
  if (await portInUse(value)) {
    console.error(portTaken(value, variable, what));
    process.exit(1);
  }
}

const dynamo = await startDynamoLocal({ port: dynamoPort, dataDir: inMemory ? undefined : '.data' }).catch((error: Error) => {
  console.error(error.message);
  return process.exit(1);
});
Object.assign(process.env, localAwsEnvironment(dynamo.endpoint));
let mail: import('./mail.ts').LocalMail | undefined;
let server: import('node:http').Server | undefined;
let lambda: import('./lambda.ts').LocalLambda | undefined;
let watcher: { close(): void } | undefined;
let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  watcher?.close();
  server?.close();
  await lambda?.close();
  await mail?.stop();
  await dynamo.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
// Java stops with this process however it ends, SIGKILL included: DynamoDB Local runs under a watchdog (dynamodb.ts).
// If whatever started us dies without signalling (a killed terminal or npm), stop too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void shutdown(), 1000).unref();

try {
  await ensureTable(dynamo.endpoint, process.env.TABLE_NAME);
  const { startLocalMail } = await import('./mail.ts');
  mail = await startLocalMail({ port: mailPort });
  process.env.AWS_ENDPOINT_URL_SESV2 = mail.endpoint;
  // App modules read the environment when first imported, so they load only now.
  const { bootstrapAdmin } = await import('./bootstrap.ts');
  const { createGateway } = await import('./gateway/index.ts');
  const { localLambdaOptions, startLocalLambda } = await import('./lambda.ts');
  const { watchSources } = await import('./hot-reload.ts');
  const admin = await bootstrapAdmin(requiredEnv('ADMIN_EMAIL'), requiredEnv('ADMIN_PASSWORD'));
  lambda = await startLocalLambda({ ...localLambdaOptions(), log: (line) => log.event('ERROR', line), output: log.functionLine });
  const reloading = lambda;
  watcher = watchSources({ root: resolve(import.meta.dirname, '../..'), reload: () => reloading.reload(), log: (line) => log.event('INFO', line) });
  const gateway = createGateway({
    apiKey: requiredEnv('LOCAL_API_KEY'),
    consoleKey: requiredEnv('LOCAL_CONSOLE_KEY'),
    lambda,
    ...(process.env.CORS_ORIGINS && { config: { corsOrigins: process.env.CORS_ORIGINS.split(',').filter(Boolean) } }),
    log: log.request,
  });
  server = gateway;
  await new Promise<void>((done, fail) =>
    gateway
      .once('error', (error: NodeJS.ErrnoException) => fail(error.code === 'EADDRINUSE' ? new Error(portTaken(port, 'PORT', 'the API')) : error))
      .listen(port, done),
  );
  const base = `http://localhost:${port}`;
  console.log(
    [
      '',
      `  Console       ${base}/`,
      `  API docs      ${base}/docs`,
      `  API           ${base}   (try: curl ${base}/health)`,
      `  Mail          http://localhost:${mailPort}/   (every mail the API sends; as JSON at /store)`,
      `  DynamoDB      ${dynamo.endpoint}   table ${process.env.TABLE_NAME}${inMemory ? ' (in memory)' : ' (data in .data/)'}`,
      `  API key       ${process.env.LOCAL_API_KEY}   (send as x-api-key; the console has its own)`,
      `  Admin login   ${process.env.ADMIN_EMAIL} / ${process.env.ADMIN_PASSWORD}${admin.created ? ' (created)' : ''}`,
      `  Admin 2FA     ${process.env.ADMIN_MFA_REQUIRED === 'false' ? 'not required locally (ADMIN_MFA_REQUIRED=false); deployed, admin routes need one (POST /me/totp)' : 'required: set one up (POST /me/totp) before admin routes answer'}`,
      `  Secrets       .env.local${created ? ' (generated now)' : ''}`,
      '',
      '  Changes under functions/, shared/ and web/ apply on the next request. Ctrl-C stops the API, the mail server and DynamoDB Local.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
