/**
 * The synthesized template, read the way CloudFormation and Lambda would: intrinsic functions
 * resolved to concrete values in a fake account and region, and each AWS::Lambda::Function turned
 * into what its sandbox gets (bundle directory, handler, memory, timeout, environment, layers, role).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { UserDataStack } from '../../infra/stack.ts';
import type { Json } from '../values.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Synthesizes the stack with real bundling (the stack's own esbuild options); the bundles land in
 * `assemblyDir`. `extend` may add resources first (the benchmark's floor function).
 */
export function synthesizeBundled(stackId = 'Bundled', extend?: (stack: UserDataStack) => void): { template: CfnTemplate; assemblyDir: string } {
  const assemblyDir = mkdtempSync(join(tmpdir(), 'udp-cdk-'));
  const app = new App({ outdir: assemblyDir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new UserDataStack(app, stackId);
  extend?.(stack);
  return { template: app.synth().getStackByName(stack.stackName).template, assemblyDir };
}

/** What CloudFormation returns for `Fn::GetAtt [<resource>, Arn]`, by resource type. */
export const arnOf = {
  'AWS::DynamoDB::Table': (name) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`,
  'AWS::Logs::LogGroup': (name) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`,
  'AWS::IAM::Role': (name) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
  'AWS::Lambda::Function': (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  // Secrets Manager appends six random characters to a secret's name in its ARN.
  'AWS::SecretsManager::Secret': (name) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`,
} satisfies Record<string, (name: string) => string>;
const arnByType = new Map(Object.entries(arnOf));

const pseudo: Record<string, string> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Resolves Ref, Fn::GetAtt (Arn), Fn::Join, Fn::Sub and Fn::FindInMap. A resource's physical name
 * is its logical id unless `names` gives one (the test's real table name). Anything else throws:
 * a value this cannot resolve is never guessed.
 */
export function resolver(template: CfnTemplate, names: Record<string, string> = {}) {
  const nameOf = (logicalId: string) => names[logicalId] ?? logicalId;
  const typeOf = (logicalId: string) => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`Ref to an unknown resource: ${logicalId}`);
    return resource.Type;
  };
  const ref = (id: string) => {
    if (id in pseudo) return pseudo[id];
    // Ref of a secret is its ARN; of the other resources here, their name.
    return typeOf(id) === 'AWS::SecretsManager::Secret' ? arnOf['AWS::SecretsManager::Secret'](nameOf(id)) : nameOf(id);
  };
  const getAtt = (id: string, attribute: string) => {
    const arn = arnByType.get(typeOf(id));
    if (attribute !== 'Arn' || !arn) throw new Error(`Fn::GetAtt ${id}.${attribute} is not modelled`);
    return arn(nameOf(id));
  };

  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const [key, arg] = Object.entries(value)[0] ?? [];
    if (key === 'Ref') return ref(arg as string);
    if (key === 'Fn::GetAtt') return getAtt(...(arg as [string, string]));
    if (key === 'Fn::Join') return resolve((arg as [string, unknown[]])[1]).join((arg as [string])[0]);
    if (key === 'Fn::FindInMap') {
      const [map, top, second] = resolve(arg) as [string, string, string];
      const found = template.Mappings?.[map]?.[top]?.[second];
      if (found === undefined) throw new Error(`Fn::FindInMap ${map}.${top}.${second} has no value`);
      return found;
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return resolve(variables[name]);
        const [id = name, attribute] = name.split('.');
        return attribute ? getAtt(id, attribute) : ref(id);
      });
    }
    if (key?.startsWith('Fn::')) throw new Error(`${key} is not modelled`);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };
  return { resolve, nameOf };
}

export interface FunctionDefinition {
  logicalId: string;
  /** The function's id in infra/functions.ts: UsersCreateFunction0E1DA30B → UsersCreate. */
  id: string;
  functionName: string;
  roleLogicalId: string;
  roleName: string;
  /** The bundle: LAMBDA_TASK_ROOT. */
  codeDir: string;
  handler: string;
  runtime: string;
  architectures: string[];
  memoryMB: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  layers: string[];
  logGroupName: string;
  tracing: boolean;
}

export function functionDefinitions(template: CfnTemplate, assemblyDir: string, names: Record<string, string> = {}): FunctionDefinition[] {
  const { resolve, nameOf } = resolver(template, names);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, { Properties: p = {}, Metadata = {} }]) => {
      const assetPath = Metadata['aws:asset:path'];
      if (!assetPath) throw new Error(`${logicalId} has no aws:asset:path (synthesize with aws:cdk:enable-asset-metadata)`);
      const role = p.Role?.['Fn::GetAtt']?.[0];
      if (!role) throw new Error(`${logicalId}: its role is not a role of this template`);
      return {
        logicalId,
        id: logicalId.replace(/[0-9A-F]{8}$/, '').replace(/Function$/, ''),
        functionName: nameOf(logicalId),
        roleLogicalId: role,
        roleName: nameOf(role),
        codeDir: join(assemblyDir, assetPath),
        handler: p.Handler,
        runtime: p.Runtime,
        architectures: p.Architectures ?? ['x86_64'],
        memoryMB: p.MemorySize ?? 128,
        timeoutSeconds: p.Timeout ?? 3,
        environment: resolve(p.Environment?.Variables ?? {}),
        layers: resolve(p.Layers ?? []),
        logGroupName: p.LoggingConfig?.LogGroup ? resolve(p.LoggingConfig.LogGroup) : `/aws/lambda/${nameOf(logicalId)}`,
        tracing: p.TracingConfig?.Mode === 'Active',
      };
    });
}
