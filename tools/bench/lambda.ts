/**
 * The stack's functions as Lambda runs them (tests/support/lambda: the real runtime interface client
 * on Node 24, each function's template environment, IAM and the secrets extension), plus the floor:
 * a function that only imports the DynamoDB client and reads one item, bundled with the stack's own
 * options, with the default memory and a role that can read the table.
 */
import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { functionBundling } from '../../infra/bundling.ts';
import { DEFAULT_MEMORY_MB, TIMEOUT_SECONDS } from '../../infra/functions.ts';
import { lambdaRuntime } from '../../infra/runtime.ts';
import type { UserDataStack } from '../../infra/stack.ts';
import { type CfnTemplate, type LambdaEnvironment, startLambdaEnvironment, synthesizeBundled } from '../runtime/index.ts';

/** The floor's id among the environment's functions. */
export const FLOOR = 'BenchFloor';
const ROOT = resolve(import.meta.dirname, '../..');

function addFloor(stack: UserDataStack) {
  const table = stack.node.findChild('Table') as dynamodb.Table;
  const role = new iam.Role(stack, `${FLOOR}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  table.grantReadData(role);
  new NodejsFunction(stack, `${FLOOR}Function`, {
    entry: resolve(ROOT, 'tools/bench/floor.ts'),
    handler: 'handler',
    runtime: new lambda.Runtime(lambdaRuntime.name, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
    architecture: lambda.Architecture.custom(lambdaRuntime.architecture),
    memorySize: DEFAULT_MEMORY_MB,
    timeout: Duration.seconds(TIMEOUT_SECONDS),
    role,
    projectRoot: ROOT,
    depsLockFilePath: resolve(ROOT, 'package-lock.json'),
    bundling: functionBundling(),
    environment: { TABLE_NAME: table.tableName },
  });
}

const logicalId = (template: CfnTemplate, type: string, prefix: string) => {
  const id = Object.keys(template.Resources).find((key) => key.startsWith(prefix) && template.Resources[key]?.Type === type);
  if (!id) throw new Error(`No ${type} ${prefix}… in the template`);
  return id;
};

export async function startBenchLambda(options: {
  dynamoEndpoint: string;
  mailEndpoint: string;
  tableName: string;
  appSecret: string;
  apiKey: string;
}): Promise<{
  lambda: LambdaEnvironment;
  assemblyDir: string;
}> {
  const { template, assemblyDir } = synthesizeBundled('Bench', addFloor);
  const lambdaEnvironment = await startLambdaEnvironment({
    template,
    assemblyDir,
    dynamoEndpoint: options.dynamoEndpoint,
    mailEndpoint: options.mailEndpoint,
    names: { [logicalId(template, 'AWS::DynamoDB::Table', 'Table')]: options.tableName },
    secrets: {
      [logicalId(template, 'AWS::SecretsManager::Secret', 'AppSecret')]: options.appSecret,
      [logicalId(template, 'AWS::SecretsManager::Secret', 'ApiKeySecret')]: options.apiKey,
      [logicalId(template, 'AWS::SecretsManager::Secret', 'ConsoleApiKeySecret')]: `console-${options.apiKey}`,
    },
  });
  return { lambda: lambdaEnvironment, assemblyDir };
}
