/** The route functions in the synthesized stack: one per handler, in its resource group's nested stack; their roles, logs, memory and the extension layer per region. */
import { describe, expect, it } from 'vitest';
import { functionGroup, functionId, functionSpecs } from '../../infra/functions.ts';
import { paramsAndSecretsLayers } from '../../infra/params-and-secrets-layers.ts';
import { type RouteDef, routes } from '../../shared/routes.ts';
import { defined } from '../../tools/values.ts';
import { resourcesOf, type Synthesized, synth } from '../support/stack.ts';

const template = synth();
const resources = (type: string) => resourcesOf(template, type);
const allRoutes = Object.entries(routes) as [string, RouteDef][];
/** A parent's resource by reference: directly in the parent, through the parameter the CDK adds in a nested stack. */
const refTo = (name: string) => ({ Ref: expect.stringMatching(new RegExp(`^(${name}|referencetoTest${name})[0-9A-F]{8}`)) });

describe('functions', () => {
  const functions = resources('AWS::Lambda::Function');
  const policies = resources('AWS::IAM::Policy');
  const policyOf = (roleRef: string) =>
    policies.filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleRef)).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const functionFor = (entry: string) =>
    defined(
      functions.find(([id]) => id.startsWith(`${functionId(entry)}Function`)),
      `the function of ${entry}`,
    );

  it('has one function per handler, in its resource group’s nested stack, on Node 24, ARM, traced, with the table and secrets by reference', () => {
    expect(functions).toHaveLength(new Set(allRoutes.map(([, r]) => r.entry)).size);
    for (const spec of functionSpecs().values()) {
      const group = defined(template.stacks.get(`Test/${functionGroup(spec.entry)}Functions`), `the nested stack of ${spec.entry}`);
      expect(Object.keys(group.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith(`${spec.id}Function`))).toHaveLength(1);
    }
    expect(template.root.findResources('AWS::Lambda::Function')).toEqual({});
    for (const spec of functionSpecs().values()) {
      const [, fn] = functionFor(spec.entry);
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' });
      const variables = fn.Properties.Environment.Variables;
      if (spec.data === 'none') expect(variables.TABLE_NAME, spec.id).toBeUndefined();
      else expect(variables.TABLE_NAME, spec.id).toEqual(refTo('Table'));
      if (spec.appSecret) expect(variables.SECRET_ARN, spec.id).toEqual(refTo('AppSecret'));
      // The console function may read the console's key and nothing else of the kind.
      if (spec.consoleApiKey) expect(variables.CONSOLE_API_KEY_SECRET_ARN, spec.id).toEqual(refTo('ConsoleApiKeySecret'));
      else expect(variables.CONSOLE_API_KEY_SECRET_ARN, spec.id).toBeUndefined();
    }
  });

  it('gives each function its own role: read routes read, health touches no data, no wildcard but X-Ray', () => {
    const roles = new Set(functions.map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0]));
    expect(roles.size).toBe(functions.length);
    for (const [, route] of allRoutes) {
      const [, fn] = functionFor(route.entry);
      const statements = policyOf(fn.Properties.Role['Fn::GetAtt'][0]);
      const actions = statements.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
      const writes = actions.filter((a: string) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a));
      const routesOfEntry = allRoutes.filter(([, r]) => r.entry === route.entry).map(([, r]) => r.data);
      if (routesOfEntry.includes('write')) expect(writes.length).toBeGreaterThan(0);
      else expect(writes).toEqual([]);
      if (route.data === 'none') expect(actions.filter((a: string) => /dynamodb/.test(a))).toEqual([]);
      const secretsRead = statements
        .filter((s: { Action: string | string[] }) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
        .map((s: { Resource: unknown }) => JSON.stringify(s.Resource));
      const expected = [...(route.data !== 'none' ? ['AppSecret'] : []), ...(route.consoleApiKey ? ['ApiKeySecret'] : [])];
      expect(secretsRead.map((r: string) => defined(/AppSecret|ApiKeySecret/.exec(r), `a secret in ${r}`)[0]).sort()).toEqual(expected.sort());
      // Mail: ses:SendEmail on the sender's identity only, and only where a route of the function sends mail.
      const sends = statements.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a: string) => a.startsWith('ses:')));
      const mails = allRoutes.some(([, r]) => r.entry === route.entry && r.mail);
      expect(sends.length, `${route.entry} sends mail`).toBe(mails ? 1 : 0);
      for (const s of sends) {
        expect([s.Action].flat()).toEqual(['ses:SendEmail']);
        expect(JSON.stringify(s.Resource)).toMatch(/":ses:".*":identity\/example\.com"/); // the test context's mailIdentity
      }
      if (mails) expect(fn.Properties.Environment.Variables.MAIL_FROM, route.entry).toBeDefined();
      for (const s of statements) {
        if ([s.Resource].flat().includes('*')) expect([s.Action].flat().every((a: string) => a.startsWith('xray:'))).toBe(true);
      }
    }
    // No AWS-managed policies on any function role.
    const lambdaRoles = resources('AWS::IAM::Role').filter(
      ([, r]) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'lambda.amazonaws.com',
    );
    expect(lambdaRoles).toHaveLength(functions.length);
    for (const [, role] of lambdaRoles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('keep their logs for the configured retention', () => {
    for (const [, group] of resources('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(30);
    const custom = synth({ logRetentionDays: 90 });
    for (const [, group] of resourcesOf(custom, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('take their memory size from context, and password hashing gets at least 1,536 MB', () => {
    const memoryOf = (synthesized: Synthesized) =>
      resourcesOf(synthesized, 'AWS::Lambda::Function').map(([id, fn]) => [id.replace(/Function[0-9A-F]{8}$/, ''), fn.Properties.MemorySize]);
    const bcryptFunctions = [
      'AuthRegister',
      'AuthVerify',
      'AuthEmailConfirm',
      'AuthLogin',
      'AuthReset',
      'AuthInviteAccept',
      'MeTotpStart',
      'MeTotpDelete',
      'MeRecoveryCodes',
      'UsersCreate',
      'UsersUpdate',
      'UsersDelete',
      'MeEndSession',
      'PasskeysOptions',
      'PasskeysRemove',
    ];
    const custom = synth({ memorySize: 2048 });
    for (const [, memory] of memoryOf(custom)) expect(memory).toBe(2048);
    for (const [id, memory] of memoryOf(template)) expect(memory, id).toBe(bcryptFunctions.includes(id as string) ? 1536 : 1024);
  });
});

describe('the Parameters and Secrets extension, by region', () => {
  const layers = paramsAndSecretsLayers.arm64;
  const layersOf = (synthesized: Synthesized) => resourcesOf(synthesized, 'AWS::Lambda::Function').flatMap(([, fn]) => fn.Properties.Layers ?? []);
  const functionsWithSecrets = [...functionSpecs().values()].filter((spec) => spec.appSecret || spec.consoleApiKey).length;

  it("keeps one arm64 ARN of AWS's extension layer per region, in that region and its partition", () => {
    for (const [region, arn] of Object.entries(layers)) {
      const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      expect(arn).toMatch(new RegExp(`^arn:${partition}:lambda:${region}:\\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\\d+$`));
    }
  });

  it.each(['us-east-1', 'eu-central-2', 'eu-south-2', 'ap-southeast-5', 'mx-central-1'])('synthesizes for %s with its extension layer', (region) => {
    const attached = layersOf(synth({}, { env: { region } }));
    expect(attached).toHaveLength(functionsWithSecrets);
    expect(new Set(attached)).toEqual(new Set([layers[region]]));
  });

  it('stops synth in a region without an arm64 layer, naming the region and the table', () => {
    expect(layers['eusc-de-east-1']).toBeUndefined(); // AWS publishes only x86_64 there
    expect(() => synth({}, { env: { region: 'eusc-de-east-1' } })).toThrow(/region eusc-de-east-1.*infra\/params-and-secrets-layers\.ts/);
  });

  it('without a region, finds the layer at deploy time and refuses a region the table lacks before creating anything', () => {
    const attached = layersOf(template);
    expect(attached).toHaveLength(functionsWithSecrets);
    for (const layer of attached) expect(layer).toEqual({ 'Fn::FindInMap': ['ParamsAndSecretsLayer', { Ref: 'AWS::Region' }, 'arn'] });
    // The mapping in every stack whose functions look it up; the rule once, in the parent, which CloudFormation checks first.
    for (const stack of template.nested.values()) {
      const { Mappings, Rules } = stack.toJSON();
      if (resourcesOf(stack, 'AWS::Lambda::Function').some(([, fn]) => fn.Properties.Layers))
        expect(Mappings.ParamsAndSecretsLayer).toEqual(Object.fromEntries(Object.entries(layers).map(([region, arn]) => [region, { arn }])));
      expect(Rules).toBeUndefined();
    }
    const json = template.root.toJSON();
    expect(json.Mappings).toBeUndefined();
    const [assertion] = json.Rules.ParamsAndSecretsLayerRegion.Assertions;
    expect(assertion.Assert).toEqual({ 'Fn::Contains': [Object.keys(layers), { Ref: 'AWS::Region' }] });
    expect(assertion.AssertDescription).toContain('infra/params-and-secrets-layers.ts');
  });
});
