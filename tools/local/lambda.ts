/**
 * The local Lambda service: every function of infra/functions.ts runs as Lambda runs it. An instance
 * is a worker thread with a module graph of its own (nothing shared with the gateway, other functions
 * or other instances), started when a request finds no idle one, kept warm for the next, running one
 * invocation at a time; beyond `maxInstances` busy instances of a function, requests wait. Its
 * environment is what the stack gives the function plus what the Lambda runtime sets, never this
 * process's; it reads secrets through the Parameters and Secrets extension emulation, which grants
 * each function what its spec grants it in the stack. Lambda's 6 MB limits on a synchronous
 * invocation apply: an event over it is refused before any instance runs, a result over it is a
 * function error.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { cdkJsonConfig } from '../../infra/config.ts';
import { type FunctionResources, type FunctionSpec, functionEnvironment, functionSpecs } from '../../infra/functions.ts';
import { LAMBDA_MAX_REQUEST_BYTES, LAMBDA_MAX_RESPONSE_BYTES } from '../../infra/gateway-contract.ts';
import { lambdaRuntime } from '../../infra/runtime.ts';
import { functionVariables, lambdaDefinedVariables, logStreamName, roleCredentials } from '../lambda/environment.ts';
import { type SecretAccess, startSecretsExtension } from '../lambda/secrets-extension.ts';
import { INIT_LIMIT_MS } from './cold-start.ts';
import { localAwsEnvironment } from './dynamodb.ts';
import { requiredEnv } from './env-file.ts';
import type { InstanceData, Invocation, Reply } from './lambda-worker.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const WORKER = new URL('./lambda-worker.ts', import.meta.url);
const ACCOUNT = '000000000000';
const REGION = localAwsEnvironment('').AWS_REGION;
/** Local secrets, named as Secrets Manager names them (name, then six random characters). */
export const APP_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:user-data/app-secret-a1B2c3`;
export const CONSOLE_API_KEY_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:user-data/console-api-key-d4E5f6`;

export interface LocalLambdaOptions {
  tableName: string;
  dynamoEndpoint: string;
  /** The local SES (tools/local/mail.ts) the functions that send mail reach. */
  mailEndpoint?: string;
  /** The sender and the base of every link in a mail (PUBLIC_URL, MAIL_FROM; npm start: http://localhost:$PORT). */
  publicUrl?: string;
  mailFrom?: string;
  /** The secrets' values, served by the extension emulation under the ARNs above. */
  appSecret: string;
  /** The console's API key, which the console function serves in its page (no such secret without one). */
  consoleKey?: string;
  corsOrigins?: string[];
  /** The limits functions apply themselves; cdk.json's context by default, as deployed. */
  limits?: FunctionResources['limits'];
  /** Every function's POWERTOOLS_LOG_LEVEL. */
  logLevel?: string;
  /** Instances of one function before requests wait; default 10, fewer on a machine with under 5 cores. */
  maxInstances?: number;
  /** The functions by the entry the route table names; default functionSpecs(). Tests swap in fixtures. */
  specs?: Map<string, FunctionSpec>;
  /** Function errors, timeouts and crashes, one line each. */
  log?: (line: string) => void;
  /** Each line the functions write to stdout; this process's stdout when omitted. */
  output?: (line: string) => void;
}

export interface LocalLambda {
  /**
   * Runs the function of `entry` with a proxy event; rejects with a FunctionError when Lambda would
   * report one, and with InvocationRefused when the Lambda API would refuse the invocation.
   */
  invoke(entry: string, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
  /**
   * Starts an instance of every function that has none and waits for its init, as provisioned
   * concurrency would: for a caller about to reach every function whose subject is not the cold start.
   */
  prewarm(): Promise<void>;
  /** Drops every instance: the next request to each function starts one with fresh code. */
  reload(): Promise<void>;
  close(): Promise<void>;
  /** Every secret read through the extension (tests check who read what). */
  secretReads: { sessionToken: string; secretId: string; status: number }[];
}

/** A function error, timeout, crash or a response over 6 MB: API Gateway answers it with a 502. */
export class FunctionError extends Error {
  override name = 'FunctionError';
}

/** The Lambda API refusing an invocation before any function runs (an event over 6 MB): API Gateway answers it with a 500. */
export class InvocationRefused extends Error {
  override name = 'InvocationRefused';
}

/** The service `npm start`, the tests and the bench run, configured from this process's environment. */
export function localLambdaOptions(env = process.env): LocalLambdaOptions {
  return {
    tableName: env.TABLE_NAME ?? 'user-data',
    dynamoEndpoint: requiredEnv('AWS_ENDPOINT_URL_DYNAMODB', env),
    mailEndpoint: env.AWS_ENDPOINT_URL_SESV2,
    publicUrl: env.PUBLIC_URL,
    mailFrom: env.MAIL_FROM,
    appSecret: requiredEnv('APP_SECRET', env),
    consoleKey: env.LOCAL_CONSOLE_KEY,
    corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').filter(Boolean) : cdkJsonConfig().corsOrigins,
    // A local convenience, not the stack's: the developer's log level reaches the functions.
    logLevel: env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL,
  };
}

class Instance {
  alive = true;
  private readonly worker: Worker;
  private readonly ready: Promise<Reply>;
  private pending?: (reply: Reply | FunctionError) => void;

  constructor(
    readonly generation: number,
    data: InstanceData,
    env: Record<string, string>,
    initLimitMs: number,
    log: (line: string) => void,
    output: ((line: string) => void) | undefined,
  ) {
    this.worker = new Worker(WORKER, {
      workerData: data,
      env,
      stdout: output !== undefined,
      // Node's own TypeScript support, not tsx: with the compile cache a cold start costs well under half.
      execArgv: ['--experimental-transform-types', '--disable-warning=ExperimentalWarning'],
      // Roughly Lambda's memory limit: a function that outgrows it dies here too.
      resourceLimits: { maxOldGenerationSizeMb: data.memoryMB },
    });
    if (output) createInterface({ input: this.worker.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', output);
    this.worker.on('message', (reply: Reply) => this.pending?.(reply));
    this.worker.on('error', (error) => {
      log(`${data.functionName}: ${error.name}: ${error.message}`);
      this.alive = false;
      this.pending?.(new FunctionError(`${data.functionName} crashed`));
    });
    this.worker.on('exit', () => {
      this.alive = false;
      this.pending?.(new FunctionError(`${data.functionName} exited`));
    });
    this.ready = this.next(initLimitMs, `${data.functionName}: init timed out`);
    this.ready.catch(() => undefined); // awaited by the first invocation
  }

  /** Resolves when the handler module is loaded; rejects as the first invocation would. */
  async initialized(): Promise<void> {
    await this.ready;
  }

  async invoke(invocation: Invocation, timeoutMs: number, timeoutMessage: string): Promise<Reply> {
    await this.ready;
    const reply = this.next(timeoutMs, timeoutMessage);
    this.worker.postMessage(invocation);
    return reply;
  }

  kill() {
    this.alive = false;
    return this.worker.terminate();
  }

  /** The worker's next reply; past the limit the instance is terminated, as Lambda ends a timed-out environment. */
  private next(limitMs: number, timeoutMessage: string) {
    return new Promise<Reply>((done, fail) => {
      const timer = setTimeout(() => settle(new FunctionError(timeoutMessage)), limitMs);
      const settle = (reply: Reply | FunctionError) => {
        clearTimeout(timer);
        this.pending = undefined;
        if (!(reply instanceof FunctionError)) return done(reply);
        if (this.alive) void this.kill();
        fail(reply);
      };
      this.pending = settle;
    });
  }
}

interface Pool {
  spec: FunctionSpec;
  name: string;
  env: Record<string, string>;
  idle: Instance[];
  size: number;
  waiting: { resolve(instance: Instance): void; reject(error: Error): void }[];
}

export async function startLocalLambda(options: LocalLambdaOptions): Promise<LocalLambda> {
  const specs = options.specs ?? functionSpecs();
  // Lambda would scale further. Here instances share this machine's cores with DynamoDB Local, and many
  // more busy instances than cores only starve it: its answers time out as 503s no deployed API gives.
  const maxInstances = options.maxInstances ?? Math.min(10, 2 * availableParallelism());
  const log = options.log ?? (() => undefined);
  const { kvMaxKeys, kvMaxBytes, recordLookupsPerHour, adminMfaRequired: deployed } = cdkJsonConfig();
  // npm start turns the admin rule off with ADMIN_MFA_REQUIRED=false (its default: docs/configuration.md).
  const adminMfaRequired = process.env.ADMIN_MFA_REQUIRED ? process.env.ADMIN_MFA_REQUIRED !== 'false' : deployed;
  const resources: FunctionResources = {
    tableName: options.tableName,
    appSecretArn: APP_SECRET_ARN,
    consoleKeySecretArn: CONSOLE_API_KEY_SECRET_ARN,
    corsOrigins: options.corsOrigins ?? [],
    limits: options.limits ?? { kvMaxKeys, kvMaxBytes, recordLookupsPerHour, adminMfaRequired },
    mailFrom: options.mailFrom ?? 'User Data <no-reply@example.com>',
    publicUrl: options.publicUrl ?? 'http://localhost:3000',
  };
  const grantsByToken = new Map<string, string[]>();
  const extension = await startSecretsExtension({
    secrets: { [APP_SECRET_ARN]: options.appSecret, ...(options.consoleKey !== undefined && { [CONSOLE_API_KEY_SECRET_ARN]: options.consoleKey }) },
    access(sessionToken, secretArn): SecretAccess | undefined {
      const grants = grantsByToken.get(sessionToken);
      if (!grants) return undefined;
      if (grants.length === 0) return 'absent'; // no secret, no extension layer in the stack
      return grants.includes(secretArn) ? 'allow' : 'deny';
    },
  });
  const pools = new Map<string, Pool>();
  for (const [key, spec] of specs) {
    const name = `local-${spec.id}`;
    // Each function its own credentials, as each has its own role; the session token names it to the extension.
    const credentials = roleCredentials();
    const grants = [spec.appSecret && APP_SECRET_ARN, spec.consoleApiKey && CONSOLE_API_KEY_SECRET_ARN].filter((arn) => typeof arn === 'string');
    grantsByToken.set(credentials.sessionToken, grants);
    const env = {
      ...functionVariables(name, functionEnvironment(spec, resources)),
      // Local only: DynamoDB Local, and the extension's port for functions that have its layer.
      AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
      ...(spec.mail && options.mailEndpoint && { AWS_ENDPOINT_URL_SESV2: options.mailEndpoint }),
      ...(grants.length > 0 && { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port) }),
      ...(options.logLevel && { POWERTOOLS_LOG_LEVEL: options.logLevel }),
      // What the Lambda runtime sets (TZ names the zone, but a worker follows its process's).
      ...lambdaDefinedVariables({
        functionName: name,
        runtime: lambdaRuntime.name,
        region: REGION,
        memoryMB: spec.memoryMB,
        logGroupName: `/aws/lambda/${name}`,
        taskRoot: PROJECT_ROOT,
        credentials,
      }),
    };
    pools.set(key, { spec, name, env, idle: [], size: 0, waiting: [] });
  }

  const instances = new Set<Instance>();
  let generation = 0;
  let closed = false;

  function start(pool: Pool) {
    pool.size += 1;
    const streamName = logStreamName();
    const instance = new Instance(
      generation,
      {
        file: resolve(PROJECT_ROOT, pool.spec.entry),
        functionName: pool.name,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${pool.name}`,
        memoryMB: pool.spec.memoryMB,
        logGroupName: `/aws/lambda/${pool.name}`,
        logStreamName: streamName,
      },
      { ...pool.env, AWS_LAMBDA_LOG_STREAM_NAME: streamName },
      INIT_LIMIT_MS,
      log,
      options.output,
    );
    instances.add(instance);
    return instance;
  }

  async function acquire(pool: Pool): Promise<Instance> {
    for (let idle = pool.idle.pop(); idle; idle = pool.idle.pop()) {
      if (idle.alive) return idle;
      void drop(pool, idle); // died while idle (an exception thrown after its response)
    }
    if (pool.size < maxInstances) return start(pool);
    return new Promise((resolve, reject) => pool.waiting.push({ resolve, reject }));
  }

  function drop(pool: Pool, instance: Instance) {
    pool.size -= 1;
    instances.delete(instance);
    return instance.kill();
  }

  function release(pool: Pool, instance: Instance) {
    const keep = instance.alive && instance.generation === generation && !closed;
    if (!keep) void drop(pool, instance);
    const waiter = pool.waiting.shift();
    if (waiter) waiter.resolve(keep ? instance : start(pool));
    else if (keep) pool.idle.push(instance);
  }

  return {
    secretReads: extension.reads,

    async invoke(entry, event) {
      const pool = pools.get(entry);
      if (closed || !pool) throw new FunctionError(closed ? 'The local Lambda service is closed' : `No function for ${entry}`);
      // Lambda's 6 MB for a synchronous invocation (infra/gateway-contract.ts), on the event as JSON.
      const requestBytes = Buffer.byteLength(JSON.stringify(event));
      if (requestBytes > LAMBDA_MAX_REQUEST_BYTES) {
        const refused = `${pool.name}: RequestTooLargeException: Request must be smaller than ${LAMBDA_MAX_REQUEST_BYTES + 1} bytes for the InvokeFunction operation`;
        log(refused);
        throw new InvocationRefused(refused);
      }
      const instance = await acquire(pool);
      const { timeoutSeconds } = pool.spec;
      try {
        const awsRequestId = randomUUID();
        const reply = await instance.invoke(
          { awsRequestId, timeoutMs: timeoutSeconds * 1000, event },
          timeoutSeconds * 1000,
          `${pool.name}: ${awsRequestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
        );
        if ('error' in reply) throw new FunctionError(`${pool.name}: ${awsRequestId} ${reply.error.name}: ${reply.error.message}`);
        const { result } = reply as { result: APIGatewayProxyResult };
        if (Buffer.byteLength(JSON.stringify(result) ?? '') > LAMBDA_MAX_RESPONSE_BYTES) {
          throw new FunctionError(
            `${pool.name}: ${awsRequestId} Function.ResponseSizeTooLarge: Response payload size exceeded maximum allowed payload size (${LAMBDA_MAX_RESPONSE_BYTES} bytes).`,
          );
        }
        return result;
      } catch (error) {
        log((error as Error).message);
        throw error;
      } finally {
        release(pool, instance);
      }
    },

    async prewarm() {
      const cold = [...pools.values()].filter((pool) => pool.size === 0);
      // As many inits at a time as the machine has cores: more only make each slower.
      const starter = async () => {
        for (let pool = cold.shift(); pool; pool = cold.shift()) {
          const instance = start(pool);
          try {
            await instance.initialized();
          } catch (error) {
            log((error as Error).message);
            throw error;
          } finally {
            release(pool, instance);
          }
        }
      };
      await Promise.all(Array.from({ length: availableParallelism() }, starter));
    },

    async reload() {
      generation += 1;
      await Promise.all([...pools.values()].flatMap((pool) => pool.idle.splice(0).map((instance) => drop(pool, instance))));
    },

    async close() {
      closed = true;
      for (const pool of pools.values()) {
        for (const waiter of pool.waiting.splice(0)) waiter.reject(new FunctionError('The local Lambda service is closed'));
      }
      await Promise.all([...instances].map((instance) => instance.kill()));
      await extension.close();
    },
  };
}
