/**
 * The synthesized template, read the way CloudFormation and Lambda would: nested stacks followed to
 * their templates, intrinsic functions resolved to concrete values in a fake account and region
 * (a nested stack's parameters to what its parent passes, a parent's reference to a nested stack's
 * output to that output's value), and each AWS::Lambda::Function, in whichever stack it is, turned
 * into what its sandbox gets (bundle directory, handler, memory, timeout, environment, layers, role).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { UserDataStack } from '../../infra/stack.ts';
import { defined, type Json } from '../values.ts';

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
  Parameters?: Record<string, { Default?: Json }>;
  Outputs?: Record<string, { Value: Json }>;
  /**
   * Not CloudFormation's: the template of each nested stack (AWS::CloudFormation::Stack) by its
   * logical id, read from the cloud assembly where its TemplateURL's asset was staged.
   */
  NestedTemplates?: Record<string, CfnTemplate>;
}

/** A template in its place: the stack that holds it, and the logical id of its AWS::CloudFormation::Stack there. */
export interface StackInTree {
  template: CfnTemplate;
  parent?: { stack: StackInTree; logicalId: string };
}

/** Every stack of the tree, the top-level one first, then each nested one (depth first). */
export function stacksOf(stack: CfnTemplate | StackInTree): StackInTree[] {
  const here = 'template' in stack ? stack : { template: stack };
  return [
    here,
    ...Object.entries(here.template.NestedTemplates ?? {}).flatMap(([logicalId, template]) => stacksOf({ template, parent: { stack: here, logicalId } })),
  ];
}

/** The template of the top-level stack with its nested stacks' templates (NestedTemplates), from the cloud assembly. */
function withNested(template: CfnTemplate, assemblyDir: string): CfnTemplate {
  const nested = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack');
  if (nested.length === 0) return template;
  const templates = nested.map(([logicalId, resource]) => {
    const file = resource.Metadata?.['aws:asset:path'];
    if (!file) throw new Error(`${logicalId} has no aws:asset:path (synthesize with aws:cdk:enable-asset-metadata)`);
    return [logicalId, withNested(JSON.parse(readFileSync(join(assemblyDir, file), 'utf8')), assemblyDir)];
  });
  return { ...template, NestedTemplates: Object.fromEntries(templates) };
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
  return { template: withNested(app.synth().getStackByName(stack.stackName).template, assemblyDir), assemblyDir };
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
 * Resolves Ref, Fn::GetAtt (Arn, and a nested stack's Outputs.<name>), Fn::Join, Fn::Sub and
 * Fn::FindInMap, in one stack of the tree: a Ref to a parameter is what the parent stack passes for
 * it. A resource's physical name is its logical id unless `names` gives one (the test's real table
 * name). Anything else throws: a value this cannot resolve is never guessed.
 */
export function resolver(stack: CfnTemplate | StackInTree, names: Record<string, string> = {}) {
  const { template, parent } = 'template' in stack ? stack : { template: stack, parent: undefined };
  const nameOf = (logicalId: string) => names[logicalId] ?? logicalId;
  const typeOf = (logicalId: string) => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`Ref to an unknown resource: ${logicalId}`);
    return resource.Type;
  };
  const parameter = (id: string): Json => {
    const passed = parent?.stack.template.Resources[parent.logicalId]?.Properties?.Parameters?.[id];
    if (passed !== undefined) return resolver(defined(parent, 'a parent stack').stack, names).resolve(passed);
    const fallback = template.Parameters?.[id]?.Default;
    if (fallback === undefined) throw new Error(`The parameter ${id} has no value`);
    return fallback;
  };
  const ref = (id: string) => {
    if (id in pseudo) return pseudo[id];
    if (template.Parameters && id in template.Parameters) return parameter(id);
    // Ref of a secret is its ARN; of the other resources here, their name.
    return typeOf(id) === 'AWS::SecretsManager::Secret' ? arnOf['AWS::SecretsManager::Secret'](nameOf(id)) : nameOf(id);
  };
  const getAtt = (id: string, attribute: string) => {
    if (typeOf(id) === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const nested = defined(template.NestedTemplates?.[id], `the template of the nested stack ${id}`);
      const output = defined(nested.Outputs?.[attribute.slice('Outputs.'.length)], `the output ${attribute} of ${id}`);
      return resolver({ template: nested, parent: { stack: { template, parent }, logicalId: id } }, names).resolve(output.Value);
    }
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
  /** The stack the function is declared in (a resource group's nested stack), with its role. */
  stack: StackInTree;
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

/** Every AWS::Lambda::Function of the template and its nested stacks. */
export function functionDefinitions(template: CfnTemplate, assemblyDir: string, names: Record<string, string> = {}): FunctionDefinition[] {
  return stacksOf(template).flatMap((stack) => functionsOfStack(stack, assemblyDir, names));
}

function functionsOfStack(stack: StackInTree, assemblyDir: string, names: Record<string, string>): FunctionDefinition[] {
  const { resolve, nameOf } = resolver(stack, names);
  return Object.entries(stack.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, { Properties: p = {}, Metadata = {} }]) => {
      const assetPath = Metadata['aws:asset:path'];
      if (!assetPath) throw new Error(`${logicalId} has no aws:asset:path (synthesize with aws:cdk:enable-asset-metadata)`);
      const role = p.Role?.['Fn::GetAtt']?.[0];
      if (!role) throw new Error(`${logicalId}: its role is not a role of this template`);
      return {
        stack,
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
