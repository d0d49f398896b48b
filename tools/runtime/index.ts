/**
 * The stack's functions as Lambda runs them, on this machine: each function's bundle under the real
 * Lambda Runtime Interface Client on Node 24, with the handler, memory, timeout and environment its
 * template resource declares and the variables Lambda adds; its DynamoDB calls authorized against
 * its role's policy from the template (then served by DynamoDB Local), and its secret reads answered
 * by an emulation of the Parameters and Secrets extension that checks its layer and that policy.
 *
 *   const lambda = await startLambdaEnvironment({ template, assemblyDir, dynamoEndpoint, names, secrets });
 *   const fn = await lambda.start('UsersGet');      // a cold start: fn.initDurationMs
 *   const { result, error, durationMs } = await fn.invoke(event);
 *   await fn.stop(); lambda.denials; await lambda.close();
 */
import { functionVariables, lambdaDefinedVariables, roleCredentials } from '../lambda/environment.ts';
import { type SecretsExtension, startSecretsExtension } from '../lambda/secrets-extension.ts';
import { defined } from '../values.ts';
import { type Caller, type Denial, startDynamoDbProxy } from './dynamodb-proxy.ts';
import { evaluate, roleStatements } from './iam.ts';
import { type Sandbox, startSandbox } from './sandbox.ts';
import { ACCOUNT, arnOf, type CfnTemplate, type FunctionDefinition, functionDefinitions, REGION, resolver } from './template.ts';

export type { Denial } from './dynamodb-proxy.ts';
export type { Invocation, Sandbox } from './sandbox.ts';
export { type CfnTemplate, type FunctionDefinition, stacksOf, synthesizeBundled } from './template.ts';

export interface LambdaEnvironment {
  /** Every AWS::Lambda::Function of the template, by its id in infra/functions.ts (UsersGet…). */
  functions: Map<string, FunctionDefinition>;
  /** Starts a fresh execution environment of the function and waits for its init. */
  start(id: string): Promise<Sandbox>;
  /** Every DynamoDB call the proxy refused. */
  denials: Denial[];
  /** Every secret read, with the extension's answer. */
  secretReads: SecretsExtension['reads'];
  close(): Promise<void>;
}

/** AWS's published Parameters and Secrets extension layers; the Arm64 one for arm64 functions, the other for x86_64. */
const EXTENSION_LAYER = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension(-Arm64)?:\d+$/;
const hasExtension = (fn: FunctionDefinition) =>
  fn.layers.some((arn) => {
    const match = EXTENSION_LAYER.exec(arn);
    return match !== null && Boolean(match[1]) === fn.architectures.includes('arm64');
  });

export async function startLambdaEnvironment(options: {
  template: CfnTemplate;
  /** The cloud assembly directory the template's asset paths are relative to. */
  assemblyDir: string;
  dynamoEndpoint: string;
  /**
   * The local SES, for the functions the template gives a sender (MAIL_FROM); its IAM grant
   * (ses:SendEmail on the identity) is checked by tests/infra/route-functions.test.ts, not here.
   */
  mailEndpoint?: string;
  /** Physical names by logical id (the table's real name in DynamoDB Local); others are their logical id. */
  names?: Record<string, string>;
  /** Secret values by the secret's logical id. */
  secrets?: Record<string, string>;
}): Promise<LambdaEnvironment> {
  const { template, names = {} } = options;
  const { resolve } = resolver(template, names);
  const functions = new Map(functionDefinitions(template, options.assemblyDir, names).map((fn) => [fn.id, fn]));

  // Each function gets its own role credentials, so the proxy and the extension know who calls.
  const credentials = new Map<string, ReturnType<typeof roleCredentials>>();
  const callers = new Map<string, Caller & { fn: FunctionDefinition }>();
  for (const fn of functions.values()) {
    const keys = roleCredentials();
    credentials.set(fn.id, keys);
    callers.set(keys.accessKeyId, {
      fn,
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${fn.roleName}/${fn.functionName}`,
      sessionToken: keys.sessionToken,
      statements: roleStatements(fn.stack, fn.roleLogicalId, names),
    });
  }
  const callerBySession = (token: string) => [...callers.values()].find((c) => c.sessionToken === token);

  const proxy = await startDynamoDbProxy({
    target: options.dynamoEndpoint,
    caller: (accessKeyId) => callers.get(accessKeyId),
    tableArn: arnOf['AWS::DynamoDB::Table'],
  });
  const extension = await startSecretsExtension({
    secrets: Object.fromEntries(Object.entries(options.secrets ?? {}).map(([logicalId, value]) => [resolve({ Ref: logicalId }), value])),
    access(sessionToken, secretArn) {
      const caller = callerBySession(sessionToken);
      if (!caller) return undefined;
      if (!hasExtension(caller.fn)) return 'absent';
      return evaluate(caller.statements, { action: 'secretsmanager:GetSecretValue', resource: secretArn }) === 'allow' ? 'allow' : 'deny';
    },
  });

  const environmentOf = (fn: FunctionDefinition): Record<string, string> => ({
    ...functionVariables(fn.id, fn.environment),
    // The two places this machine differs from Lambda: DynamoDB's endpoint is the IAM proxy, and the
    // extension's port (2773 inside every sandbox) is wherever the shared emulation listens.
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    ...(options.mailEndpoint && fn.environment.MAIL_FROM !== undefined && { AWS_ENDPOINT_URL_SESV2: options.mailEndpoint }),
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port),
    ...lambdaDefinedVariables({
      functionName: fn.functionName,
      runtime: fn.runtime,
      region: REGION,
      memoryMB: fn.memoryMB,
      logGroupName: fn.logGroupName,
      handler: fn.handler,
      taskRoot: fn.codeDir,
      credentials: defined(credentials.get(fn.id), `credentials of ${fn.id}`),
      tracing: fn.tracing,
    }),
    NODE_PATH: fn.codeDir,
  });

  return {
    functions,
    async start(id) {
      const fn = functions.get(id);
      if (!fn) throw new Error(`No function ${id} in the template`);
      const sandbox = await startSandbox({
        codeDir: fn.codeDir,
        environment: environmentOf(fn),
        functionArn: arnOf['AWS::Lambda::Function'](fn.functionName),
        timeoutSeconds: fn.timeoutSeconds,
        tracing: fn.tracing,
      });
      const major = /^v(\d+)\./.exec(sandbox.nodeVersion)?.[1];
      if (fn.runtime !== `nodejs${major}.x`) {
        await sandbox.stop();
        throw new Error(`${id} declares ${fn.runtime}, but the runtime process is Node ${sandbox.nodeVersion}`);
      }
      return sandbox;
    },
    denials: proxy.denials,
    secretReads: extension.reads,
    close: async () => {
      await Promise.all([proxy.close(), extension.close()]);
    },
  };
}
