/**
 * The one definition of what Lambda itself puts in a function's environment ("Defined runtime
 * environment variables" in the Lambda developer guide), for both emulators: the worker threads of
 * `npm start` (tools/local/lambda.ts) and the real runtime interface client (tools/runtime/).
 */
import { randomBytes } from 'node:crypto';

/** Variables Lambda reserves: a template that sets one is refused at deploy time. */
export const RESERVED_VARIABLES = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

export interface ExecutionEnvironment {
  functionName: string;
  /** `nodejs24.x` */
  runtime: string;
  region: string;
  memoryMB: number;
  logGroupName: string;
  /** `file.handler`, where the runtime loads it (the worker threads import the file directly). */
  handler?: string;
  taskRoot: string;
  /** The function role's temporary credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  tracing?: boolean;
}

/** Temporary credentials shaped like a role's (the session token names the function to the emulators). */
export function roleCredentials(): ExecutionEnvironment['credentials'] {
  const random = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();
  return { accessKeyId: `ASIA${random(8)}`, secretAccessKey: random(20), sessionToken: random(32) };
}

/** A new log stream's name, as Lambda names one per execution environment. */
export const logStreamName = () => `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

/** What Lambda sets in every execution environment of the function, on top of the function's own variables. */
export function lambdaDefinedVariables(fn: ExecutionEnvironment): Record<string, string> {
  return {
    ...(fn.handler && { _HANDLER: fn.handler }),
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMB),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_ACCESS_KEY_ID: fn.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fn.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: fn.credentials.sessionToken,
    ...(fn.tracing && {
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
      _AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129',
      _AWS_XRAY_DAEMON_PORT: '2000',
    }),
    LAMBDA_TASK_ROOT: fn.taskRoot,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
  };
}

/** The function's own variables, refused if they take one Lambda reserves (as a deployment would be). */
export function functionVariables(functionName: string, variables: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(variables).filter((key) => RESERVED_VARIABLES.has(key));
  if (reserved.length > 0) throw new Error(`${functionName}: Lambda reserves ${reserved.join(', ')}`);
  return variables;
}
