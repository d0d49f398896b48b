/**
 * The shipped artifact works as Lambda runs it, not only the TypeScript: synthesize the stack with
 * real bundling (the stack's own esbuild options), then run every function's bundle under the real
 * Lambda Runtime Interface Client on Node 24 with the handler, memory and environment from its
 * template resource (in its resource group's nested stack), its DynamoDB calls held to its IAM
 * policy from the template and its secret reads to its layers and policy (tools/runtime/).
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LAZY_LIBRARIES } from '../../infra/bundling.ts';
import { functionId } from '../../infra/functions.ts';
import { lambdaRuntime } from '../../infra/runtime.ts';
import { PROBLEM_CONTENT_TYPE } from '../../shared/http/problem.ts';
import { type RouteDef, type RouteId, routes } from '../../shared/routes.ts';
import { fillSampleEvent, samplePlaceholders } from '../../tools/local/sample-events.ts';
import { type CfnTemplate, type LambdaEnvironment, stacksOf, startLambdaEnvironment, synthesizeBundled } from '../../tools/runtime/index.ts';
import { installRuntimeClient } from '../../tools/runtime/ric.ts';
import { defined } from '../../tools/values.ts';

const API_KEY = 'sample-key';
let template: CfnTemplate;
let assemblyDir: string;
let lambda: LambdaEnvironment;
const started: LambdaEnvironment[] = [];

const logicalId = (type: string, prefix: string) =>
  defined(Object.entries(template.Resources).find(([id, r]) => id.startsWith(prefix) && r.Type === type)?.[0], `a ${type} named ${prefix}…`);

const functionOf = (entry: string) => defined(lambda.functions.get(functionId(entry)), `the function of ${entry}`);

/** The functions of `changed` (a copy of the template), run against this file's table with its secrets. */
async function environment(changed = template) {
  const env = await startLambdaEnvironment({
    template: changed,
    assemblyDir,
    dynamoEndpoint: inject('dynamoEndpoint'),
    mailEndpoint: inject('mailEndpoint'),
    names: { [logicalId('AWS::DynamoDB::Table', 'Table')]: defined(process.env.TABLE_NAME, 'TABLE_NAME (set by tests/support/env.ts)') },
    secrets: {
      [logicalId('AWS::SecretsManager::Secret', 'AppSecret')]: defined(process.env.APP_SECRET, 'APP_SECRET (set by tests/support/env.ts)'),
      [logicalId('AWS::SecretsManager::Secret', 'ApiKeySecret')]: API_KEY,
      [logicalId('AWS::SecretsManager::Secret', 'ConsoleApiKeySecret')]: 'sample-console-key',
    },
  });
  started.push(env);
  return env;
}

/** A cold start is CPU-bound and the machine has two cores: a few sandboxes at a time. */
const slots = { free: 3, waiting: [] as (() => void)[] };
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resume) => slots.waiting.push(resume));
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/** A cold start of the route's function, then its sample event. */
const invokeSample = (env: LambdaEnvironment, routeId: RouteId) =>
  inSlot(async () => {
    const id = functionId(routes[routeId].entry);
    // Passkey samples are made for the relying party the function knows: its PUBLIC_URL (the API's URL, from the template).
    const publicUrl = env.functions.get(id)?.environment.PUBLIC_URL;
    const [fn, values] = await Promise.all([env.start(id), samplePlaceholders(API_KEY, publicUrl)]);
    try {
      return { fn, ...(await fn.invoke(fillSampleEvent(`events/${routeId}.json`, values))) };
    } finally {
      await fn.stop();
    }
  });

// Built once per machine on first use (tools/runtime/ric.ts): minutes of compiling, on a budget of their own.
beforeAll(() => installRuntimeClient(), 20 * 60_000);

beforeAll(async () => {
  ({ template, assemblyDir } = synthesizeBundled());
  lambda = await environment();
}, 10 * 60_000); // esbuild bundles every function: a minute, several on a busy machine

afterAll(async () => {
  await Promise.all(started.map((env) => env.close()));
  rmSync(assemblyDir, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('are minified ESM with the AWS SDK inside and no source map', () => {
    expect(lambda.functions.size).toBe(new Set(Object.values(routes).map((r) => r.entry)).size);
    for (const fn of lambda.functions.values()) {
      const file = join(fn.codeDir, 'index.mjs');
      const code = readFileSync(file, 'utf8');
      expect(code).toMatch(/^import\{createRequire as __createRequire\}|^import \{ createRequire as __createRequire \}/);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//); // bundled, not the runtime's copy
      expect(code).not.toContain('sourceMappingURL');
      // minified: long lines (WebAuthn's root certificates, PEM text in @simplewebauthn/server, keep their line breaks)
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      expect(statSync(file).size).toBeGreaterThan(10_000);
    }
  });

  it('ship each lazy library as a file of its own beside index.mjs, exactly where index.mjs imports it', () => {
    const shipped = new Set<string>();
    for (const fn of lambda.functions.values()) {
      const code = readFileSync(join(fn.codeDir, 'index.mjs'), 'utf8');
      for (const file of Object.values(LAZY_LIBRARIES)) {
        const imported = code.includes(`import("./${file}")`);
        expect(existsSync(join(fn.codeDir, file)), `${fn.logicalId}: ${file}`).toBe(imported);
        if (imported) shipped.add(file);
      }
    }
    // Each is used somewhere (passkeys, password strength): a lazy file nobody imports would be a renamed path.
    expect([...shipped].sort()).toEqual(Object.values(LAZY_LIBRARIES).sort());
  });

  it('fail closed when a lazy file cannot be read, and read it on the next request once it can (nothing cached)', async () => {
    const fnDef = functionOf(routes['auth.register'].entry);
    const file = join(fnDef.codeDir, LAZY_LIBRARIES['@zxcvbn-ts/core']);
    const event = fillSampleEvent('events/auth.register.json', await samplePlaceholders(API_KEY));
    const instance = await inSlot(() => lambda.start(fnDef.id));
    try {
      renameSync(file, `${file}.away`);
      let missing: Awaited<ReturnType<typeof instance.invoke>>;
      try {
        missing = await instance.invoke(event);
      } finally {
        renameSync(`${file}.away`, file);
      }
      // The password is not checked, so nothing is accepted: a plain 500, no path or stack in it.
      expect(missing.result.statusCode).toBe(500);
      expect(missing.result.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
      expect(missing.result.body).not.toMatch(/lazy|zxcvbn|ERR_MODULE_NOT_FOUND|\bat /);
      // The same warm instance, the file back: the import is tried again, not answered from a cached failure.
      const again = await instance.invoke(event);
      expect(again.result.statusCode, again.result.body).toBe(routes['auth.register'].status);
    } finally {
      await instance.stop();
    }
  });
});

// A test may wait for a sandbox slot; the default limit (vitest.config.ts) leaves room for that on a busy machine.
describe.concurrent('every function under the Lambda runtime interface client', () => {
  it.each(Object.entries(routes) as [RouteId, RouteDef][])('%s answers its sample event, within its IAM policy', async (routeId, route) => {
    const fnDef = functionOf(route.entry);
    const { fn, result, error } = await invokeSample(lambda, routeId);
    const logs = fn.logs.join('\n');
    expect(fnDef.runtime).toBe(lambdaRuntime.name);
    expect(fn.nodeVersion).toMatch(new RegExp(`^v${lambdaRuntime.nodeMajor}\\.`));
    expect(error, logs).toBeUndefined();
    expect(result.statusCode, `${result.body.slice(0, 300)}\n${logs}`).toBe(route.status);
    const type = result.headers['content-type'] ?? '';
    if (type === 'application/json') expect(JSON.parse(result.body)).toBeTypeOf('object');
    else if (route.produces) expect(route.produces.some((p) => type.startsWith(p)) && result.body.length > 100, type).toBe(true);
    expect(lambda.denials.filter((d) => d.caller.endsWith(`/${fnDef.functionName}`))).toEqual([]);
  });
});

/** Every resource of a template and of its nested stacks' templates. */
const allResources = (t: CfnTemplate) => stacksOf(t).flatMap(({ template }) => Object.entries(template.Resources));

/** A copy of the template where `edit` changed the statements of the function's role policies (emptied ones dropped). */
function withPolicy(functionEntry: string, edit: (statement: { Action: unknown; Resource: unknown }) => void): CfnTemplate {
  const copy: CfnTemplate = structuredClone(template);
  const role = functionOf(functionEntry).roleLogicalId;
  for (const [, resource] of allResources(copy)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const properties = defined(resource.Properties, 'the properties of an AWS::IAM::Policy');
    if (!properties.Roles.some((r: { Ref: string }) => r.Ref === role)) continue;
    const document = properties.PolicyDocument;
    document.Statement.forEach(edit);
    document.Statement = document.Statement.filter(
      (s: { Action: unknown[]; Resource: unknown[] }) => [s.Action].flat().length > 0 && [s.Resource].flat().length > 0,
    );
  }
  expect(JSON.stringify(copy), `the policy of ${functionEntry} did not change`).not.toBe(JSON.stringify(template));
  return copy;
}

const withoutAction = (functionEntry: string, action: string) =>
  withPolicy(functionEntry, (s) => {
    s.Action = [s.Action].flat().filter((a) => a !== action);
  });

/** Without the `<table ARN>/index/*` resource the stack grants next to the table's ARN. */
const withoutIndexes = (functionEntry: string) =>
  withPolicy(functionEntry, (s) => {
    s.Resource = [s.Resource].flat().filter((r) => !JSON.stringify(r).includes('/index/*'));
  });

function withoutLayers(functionEntry: string): CfnTemplate {
  const copy: CfnTemplate = structuredClone(template);
  const id = functionOf(functionEntry).logicalId;
  const [, fn] = defined(
    allResources(copy).find(([logicalId]) => logicalId === id),
    `the function ${id}`,
  );
  delete defined(fn.Properties, `the properties of ${id}`).Layers;
  return copy;
}

const expectProblem = (result: { statusCode: number; headers: Record<string, string>; body: string }, status: number) => {
  expect(result.statusCode, result.body.slice(0, 300)).toBe(status);
  expect(result.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
  expect(JSON.parse(result.body)).toMatchObject({ status, title: 'Internal Server Error' });
};

describe.concurrent('what the template does not grant fails as it would on AWS', () => {
  const tableArn = () => `arn:aws:dynamodb:us-east-1:123456789012:table/${process.env.TABLE_NAME}`;

  it('a write without dynamodb:PutItem is denied by IAM: 500 problem+json, the denial recorded', async () => {
    const env = await environment(withoutAction(routes['payments.create'].entry, 'dynamodb:PutItem'));
    const { result, error } = await invokeSample(env, 'payments.create');
    expect(error).toBeUndefined();
    expectProblem(result, 500);
    expect(env.denials).toEqual([expect.objectContaining({ operation: 'PutItem', action: 'dynamodb:PutItem', resource: tableArn() })]);
  });

  it("a transaction is authorized item by item: without dynamodb:ConditionCheckItem, PUT /kv/{key}'s transaction is denied", async () => {
    const env = await environment(withoutAction(routes['kv.put'].entry, 'dynamodb:ConditionCheckItem'));
    const { result } = await invokeSample(env, 'kv.put');
    expectProblem(result, 500);
    expect(env.denials).toEqual([expect.objectContaining({ operation: 'TransactWriteItems', action: 'dynamodb:ConditionCheckItem', resource: tableArn() })]);
  });

  it("a query on an index is authorized on the index's ARN: without <table>/index/*, GET /users is denied", async () => {
    const env = await environment(withoutIndexes(routes['users.list'].entry));
    const { result } = await invokeSample(env, 'users.list');
    expectProblem(result, 500);
    expect(env.denials).toEqual([expect.objectContaining({ operation: 'Query', action: 'dynamodb:Query', resource: `${tableArn()}/index/GSI1` })]);
  });

  it('without the Parameters and Secrets layer, a route that needs the app secret answers 500, not 401', async () => {
    const env = await environment(withoutLayers(routes['me.get'].entry));
    const { fn, result } = await invokeSample(env, 'me.get');
    expectProblem(result, 500);
    expect(env.secretReads).toEqual([]); // nothing listened for it
    expect(fn.logs.join('\n')).toMatch(/"level":"ERROR".*ConfigurationError/);
  });

  it('without secretsmanager:GetSecretValue on the app secret, the extension refuses and the route answers 500, not 401', async () => {
    const env = await environment(withoutAction(routes['me.get'].entry, 'secretsmanager:GetSecretValue'));
    const { result } = await invokeSample(env, 'me.get');
    expectProblem(result, 500);
    expect(env.secretReads.map((r) => r.status)).toContain(400);
    expect(env.secretReads.map((r) => r.status)).not.toContain(200);
  });
});
