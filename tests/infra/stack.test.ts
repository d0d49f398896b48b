/** The synthesized template, checked property by property, with cdk-nag's AwsSolutions pack in the app. */
import { App, Validations, type StackProps } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { functionId, functionSpecs } from '../../infra/functions.ts';
import { paramsAndSecretsLayers } from '../../infra/params-and-secrets-layers.ts';
import { UserDataStack } from '../../infra/stack.ts';
import { table as tableDefinition } from '../../shared/db/table.ts';
import { gatewayResponses, usagePlanThrottle } from '../../shared/http/gateway-contract.ts';
import { logger } from '../../shared/http/log.ts';
import { routes, type RouteDef } from '../../shared/routes.ts';

/** Synthesizes without bundling (the bundle test builds the real artifacts); throws on any cdk-nag finding. */
function synth(context: Record<string, unknown> = {}, props?: StackProps) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new UserDataStack(app, 'Test', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth();
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, any][];
const allRoutes = Object.entries(routes) as [string, RouteDef][];

describe('cdk-nag', () => {
  it('finds nothing unacknowledged, with and without the WAF', () => {
    expect(() => synth({ waf: false, alarmEmail: 'ops@example.com', corsOrigins: 'https://console.example.com' })).not.toThrow();
  });
});

describe('table', () => {
  it('is on-demand, recoverable, expiring, protected and retained, with the shared key definition', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: ['GSI1', 'GSI2'].map((name) =>
          Match.objectLike({ IndexName: name, KeySchema: [{ AttributeName: `${name}PK`, KeyType: 'HASH' }, { AttributeName: `${name}SK`, KeyType: 'RANGE' }] }),
        ),
      },
    });
  });
});

describe('secrets', () => {
  it('generates the app secret at deploy time and never puts a secret value in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { GenerateStringKey: 'masterKey', SecretStringTemplate: '{"keyId":"1"}', PasswordLength: 64 },
    });
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/APP_SECRET|masterKey"\s*:\s*"[A-Za-z0-9]/);
    // The API key's value is a dynamic reference resolved by CloudFormation, not a literal.
    const [[, apiKey]] = resources('AWS::ApiGateway::ApiKey');
    expect(JSON.stringify(apiKey.Properties.Value)).toContain('{{resolve:secretsmanager:');
  });
});

describe('functions', () => {
  const functions = resources('AWS::Lambda::Function');
  const policies = resources('AWS::IAM::Policy');
  const policyOf = (roleRef: string) =>
    policies.filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleRef)).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const functionFor = (entry: string) => functions.find(([id]) => id.startsWith(`${functionId(entry)}Function`))!;

  it('has one function per handler, on Node 24, ARM, traced, with the table and secret by reference', () => {
    expect(functions).toHaveLength(new Set(allRoutes.map(([, r]) => r.entry)).size);
    for (const spec of functionSpecs().values()) {
      const [, fn] = functionFor(spec.entry);
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' });
      const variables = fn.Properties.Environment.Variables;
      if (spec.data === 'none') expect(variables.TABLE_NAME, spec.id).toBeUndefined();
      else expect(variables.TABLE_NAME, spec.id).toEqual({ Ref: expect.stringMatching(/^Table/) });
      if (spec.appSecret) expect(variables.SECRET_ARN, spec.id).toEqual({ Ref: expect.stringMatching(/^AppSecret/) });
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
      const secretsRead = statements.filter((s: { Action: string | string[] }) => [s.Action].flat().includes('secretsmanager:GetSecretValue')).map((s: { Resource: unknown }) => JSON.stringify(s.Resource));
      const expected = [...(route.data !== 'none' ? ['AppSecret'] : []), ...(route.consoleApiKey ? ['ApiKeySecret'] : [])];
      expect(secretsRead.map((r: string) => /AppSecret|ApiKeySecret/.exec(r)![0]).sort()).toEqual(expected.sort());
      for (const s of statements) {
        if ([s.Resource].flat().includes('*')) expect([s.Action].flat().every((a: string) => a.startsWith('xray:'))).toBe(true);
      }
    }
    // No AWS-managed policies on any function role.
    const lambdaRoles = resources('AWS::IAM::Role').filter(([, r]) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'lambda.amazonaws.com');
    expect(lambdaRoles).toHaveLength(functions.length);
    for (const [, role] of lambdaRoles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('keep their logs for the configured retention', () => {
    for (const [, group] of resources('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(30);
    const custom = synth({ logRetentionDays: 90 }).template;
    for (const group of Object.values(custom.findResources('AWS::Logs::LogGroup')) as any[]) expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('take their memory size from context, and password hashing gets at least 1,536 MB', () => {
    const memoryOf = (synthesized: Template) =>
      Object.entries(synthesized.findResources('AWS::Lambda::Function')).map(([id, fn]: [string, any]) => [id.replace(/Function[0-9A-F]{8}$/, ''), fn.Properties.MemorySize]);
    const bcryptFunctions = ['AuthRegister', 'AuthLogin', 'UsersCreate', 'UsersUpdate', 'UsersDelete'];
    const custom = synth({ memorySize: 2048 }).template;
    for (const [, memory] of memoryOf(custom)) expect(memory).toBe(2048);
    for (const [id, memory] of memoryOf(template)) expect(memory, id).toBe(bcryptFunctions.includes(id as string) ? 1536 : 1024);
  });
});

describe('REST API', () => {
  const methods = resources('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS');
  const pathOf = (ref: any): string => {
    if (ref['Fn::GetAtt']) return '';
    const [, resource] = resources('AWS::ApiGateway::Resource').find(([id]) => id === ref.Ref)!;
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };

  it('has exactly the methods of the route table, keyed as the table says', () => {
    const deployed = methods.map(([, m]) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`).sort();
    expect(deployed).toEqual(allRoutes.map(([, r]) => `${r.method} ${r.path}`).sort());
    for (const [, m] of methods) {
      const [, route] = allRoutes.find(([id]) => id === m.Properties.OperationName)!;
      expect(m.Properties.ApiKeyRequired).toBe(route.apiKey !== false);
      expect(m.Properties.RequestValidatorId).toBeUndefined();
      expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
    }
  });

  it('leaves validation to the functions: no request validator, no models', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
    template.resourceCountIs('AWS::ApiGateway::Model', 0);
  });

  it('declares every gateway response type with its own status, problem+json and the security headers', () => {
    const responses = resources('AWS::ApiGateway::GatewayResponse');
    expect(responses.map(([, r]) => r.Properties.ResponseType).sort()).toEqual(Object.keys(gatewayResponses).sort());
    for (const [, { Properties: p }] of responses) {
      const shared = gatewayResponses[p.ResponseType as keyof typeof gatewayResponses];
      expect(p.StatusCode, p.ResponseType).toBe(shared.status === undefined ? undefined : String(shared.status));
      expect(JSON.parse(p.ResponseTemplates['application/json'])).toEqual(shared.body);
      expect(p.ResponseParameters['gatewayresponse.header.content-type']).toBe("'application/problem+json'");
      expect(p.ResponseParameters['gatewayresponse.header.x-content-type-options']).toBe("'nosniff'");
    }
  });

  it('logs access as JSON, executions at ERROR, traces, and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 })],
    });
    synth({ stage: 'dev' }).template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev' });
  });

  it('meters the API clients’ key with its usage plan: 30 rps, burst 60, a monthly quota', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: usagePlanThrottle.rateLimit, BurstLimit: usagePlanThrottle.burstLimit },
      Quota: { Limit: 1_000_000, Period: 'MONTH' },
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
  });

  it('allows CORS only for configured origins', () => {
    expect(resources('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS')).toEqual([]);
    const cors = synth({ corsOrigins: 'https://console.example.com' }).template;
    const options = Object.values(cors.findResources('AWS::ApiGateway::Method')).filter((m: any) => m.Properties.HttpMethod === 'OPTIONS');
    expect(options.length).toBeGreaterThan(0);
    expect(JSON.stringify(options[0])).toContain('https://console.example.com');
  });
});

describe('outputs and options', () => {
  it('outputs the URL, where the API key is, and the table name', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(expect.arrayContaining(['ApiKeySecretArn', 'ApiUrl', 'TableName']));
  });

  it('limits every source address with a WAF rate-based rule by default, and only that rule; waf=false removes it', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [Match.objectLike({ Statement: { RateBasedStatement: { Limit: 600, EvaluationWindowSec: 60, AggregateKeyType: 'IP' } }, Action: { Block: {} } })],
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    synth({ wafRateLimit: 100 }).template.hasResourceProperties('AWS::WAFv2::WebACL', { Rules: [Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 100 }) } })] });
    synth({ waf: false }).template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('keeps the console’s key in a plan of its own, without throttle or quota; the clients’ plan has both', () => {
    const plans = resources('AWS::ApiGateway::UsagePlan').map(([id, plan]) => ({ id, ...plan.Properties }));
    const keyOfPlan = (planId: string) => resources('AWS::ApiGateway::UsagePlanKey').find(([, k]) => k.Properties.UsagePlanId.Ref === planId)![1].Properties.KeyId.Ref as string;
    const clients = plans.find((p) => p.Throttle)!;
    const console = plans.find((p) => !p.Throttle)!;
    expect(plans).toHaveLength(2);
    expect(clients.Quota).toBeDefined();
    expect(console.Quota).toBeUndefined();
    expect(keyOfPlan(clients.id)).toMatch(/^ClientApiKey/);
    expect(keyOfPlan(console.id)).toMatch(/^ConsoleApiKey/);
    // The console function may read the console's key and nothing else of the kind.
    const [, consoleFn] = resources('AWS::Lambda::Function').find(([id]) => id.startsWith('WebConsoleFunction'))!;
    expect(consoleFn.Properties.Environment.Variables.CONSOLE_API_KEY_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^ConsoleApiKeySecret/) });
  });
});

describe('operations', () => {
  const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const metricsOf = (alarm: any): any[] => alarm.Metrics?.filter((m: any) => m.MetricStat).map((m: any) => ({ id: m.Id, ...m.MetricStat.Metric })) ?? [];
  const expressionOf = (alarm: any): string => alarm.Metrics?.find((m: any) => m.Expression)?.Expression ?? '';
  /** Every metric of the alarm's expression is summed with FILL(…, 0): a period where one has no data still sums. */
  const sumsFilledMetrics = (alarm: any) =>
    expect(expressionOf(alarm).split(' + ').sort()).toEqual(metricsOf(alarm).map((m) => `FILL(${m.id}, 0)`).sort());

  it('alarms on 5xx rate, latency, function errors and throttles, and DynamoDB throttles, into an encrypted topic', () => {
    const functions = stack.functions.size;
    expect(alarms).toHaveLength(3 + 2 * functions);
    expect(alarms.filter((a) => a.MetricName === '5XXError' && a.Statistic === 'Average' && a.Threshold === 0.01)).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'Latency' && a.ExtendedStatistic === 'p99')).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'Throttles' && a.Namespace === 'AWS/Lambda')).toHaveLength(functions);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    synth({ alarmEmail: 'ops@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("alarms on any throttled read or write of the table or an index, whatever the operation (BatchGetItem's too)", () => {
    const dynamo = alarms.filter((a) => metricsOf(a).some((m) => m.Namespace === 'AWS/DynamoDB'));
    expect(dynamo).toHaveLength(1);
    const watched = metricsOf(dynamo[0]).map((m) => {
      const dimensions = Object.fromEntries(m.Dimensions.map((d: any) => [d.Name, d.Value]));
      expect(dimensions.TableName).toEqual({ Ref: expect.stringMatching(/^Table/) });
      return `${m.MetricName} ${dimensions.GlobalSecondaryIndexName ?? 'table'}`;
    });
    const parts = ['table', ...tableDefinition.indexes.map((index) => index.indexName)];
    expect(watched.sort()).toEqual(parts.flatMap((part) => [`ReadThrottleEvents ${part}`, `WriteThrottleEvents ${part}`]).sort());
    sumsFilledMetrics(dynamo[0]);
    expect(dynamo[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  it("alarms on each function's errors and on every ERROR line it logs (a handled 500 is no Lambda error)", () => {
    const filters = resources('AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    // The line shared/http/log.ts writes for an unreadable secret or any unexpected error.
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    logger.error('unhandled error', new Error('boom'));
    const line = JSON.parse(String(write.mock.calls[0][0]));
    write.mockRestore();
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const name = id.replace(/Function[0-9A-F]{8}$/, '');
      const logGroup = fn.Properties.LoggingConfig.LogGroup.Ref;
      const [filter] = filters.filter((f) => f.LogGroupName.Ref === logGroup);
      const [, field, value] = /^\{ \$\.(\w+) = "(\w+)" \}$/.exec(filter.FilterPattern)!;
      expect(line[field], name).toBe(value);
      const [transform] = filter.MetricTransformations;
      expect(transform, name).toEqual({ MetricNamespace: 'Test', MetricName: `${name}ErrorLogs`, MetricValue: '1' }); // no DefaultValue: data only when an error is logged

      const errorAlarms = alarms.filter((a) => metricsOf(a).some((m) => m.MetricName === 'Errors' && m.Dimensions[0].Value.Ref === id));
      expect(errorAlarms, name).toHaveLength(1);
      expect(metricsOf(errorAlarms[0]).map(({ Namespace, MetricName }) => `${Namespace} ${MetricName}`).sort()).toEqual(['AWS/Lambda Errors', `Test ${name}ErrorLogs`]);
      sumsFilledMetrics(errorAlarms[0]);
      expect(errorAlarms[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });
});

describe('regions', () => {
  const layers = paramsAndSecretsLayers.arm64;
  const layersOf = (synthesized: Template) => Object.values(synthesized.findResources('AWS::Lambda::Function')).flatMap((fn: any) => fn.Properties.Layers ?? []);
  const functionsWithSecrets = [...functionSpecs().values()].filter((spec) => spec.appSecret || spec.consoleApiKey).length;

  it('keeps one arm64 ARN of AWS\'s extension layer per region, in that region and its partition', () => {
    for (const [region, arn] of Object.entries(layers)) {
      const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      expect(arn).toMatch(new RegExp(`^arn:${partition}:lambda:${region}:\\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\\d+$`));
    }
  });

  it.each(['us-east-1', 'eu-central-2', 'eu-south-2', 'ap-southeast-5', 'mx-central-1'])('synthesizes for %s with its extension layer', (region) => {
    const attached = layersOf(synth({}, { env: { region } }).template);
    expect(attached).toHaveLength(functionsWithSecrets);
    expect(new Set(attached)).toEqual(new Set([layers[region]]));
  });

  it('stops synth in a region without an arm64 layer, naming the region and the table', () => {
    expect(layers['eusc-de-east-1']).toBeUndefined(); // AWS publishes only x86_64 there
    expect(() => synth({}, { env: { region: 'eusc-de-east-1' } })).toThrow(/region eusc-de-east-1.*infra\/params-and-secrets-layers\.ts/);
  });

  it('without a region, finds the layer at deploy time and refuses a region the table lacks before creating anything', () => {
    const json = template.toJSON();
    expect(json.Mappings.ParamsAndSecretsLayer).toEqual(Object.fromEntries(Object.entries(layers).map(([region, arn]) => [region, { arn }])));
    const attached = layersOf(template);
    expect(attached).toHaveLength(functionsWithSecrets);
    for (const layer of attached) expect(layer).toEqual({ 'Fn::FindInMap': ['ParamsAndSecretsLayer', { Ref: 'AWS::Region' }, 'arn'] });
    const [assertion] = json.Rules.ParamsAndSecretsLayerRegion.Assertions;
    expect(assertion.Assert).toEqual({ 'Fn::Contains': [Object.keys(layers), { Ref: 'AWS::Region' }] });
    expect(assertion.AssertDescription).toContain('infra/params-and-secrets-layers.ts');
  });
});

describe('README', () => {
  it('states the cost-bearing counts of the synthesized template', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const costs = readme.slice(readme.indexOf('### Cost notes'), readme.indexOf('### Teardown'));
    const stated = (pattern: RegExp) => pattern.exec(costs)?.slice(1).map(Number);
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const webAcls = resources('AWS::WAFv2::WebACL');
    const wafRules = webAcls.reduce((n, [, acl]) => n + acl.Properties.Rules.length, 0);
    const alarmMetrics = alarms.reduce((n, a) => n + (a.MetricName ? 1 : a.Metrics.filter((m: any) => m.MetricStat).length), 0);
    const customMetrics = new Set(
      resources('AWS::Logs::MetricFilter').flatMap(([, f]) => f.Properties.MetricTransformations.map((t: any) => `${t.MetricNamespace}/${t.MetricName}`)),
    );
    expect({
      secrets: stated(/(\d+) Secrets Manager secrets/),
      kmsKeys: stated(/(\d+) KMS keys?/),
      alarms: stated(/(\d+) alarms reading (\d+) metrics [^)]*: \$(\d+\.\d\d)\)/),
      customMetrics: stated(/(\d+) custom metrics/),
      dashboards: stated(/(\d+) (?:CloudWatch )?dashboards?/),
      waf: stated(/(\d+) WAF web ACLs? with (\d+) rules?/),
      monthlyAtRest: stated(/about \$(\d+) a month/),
    }).toEqual({
      secrets: [resources('AWS::SecretsManager::Secret').length],
      kmsKeys: [resources('AWS::KMS::Key').length],
      alarms: [alarms.length, alarmMetrics, Number((alarmMetrics * 0.1).toFixed(2))],
      customMetrics: [customMetrics.size],
      dashboards: [resources('AWS::CloudWatch::Dashboard').length],
      waf: [webAcls.length, wafRules],
      // The README's prices: $0.40 a secret, $1 a key, $0.10 an alarm metric, $3 a dashboard, $5 a web ACL and $1 a rule.
      monthlyAtRest: [
        Math.round(
          0.4 * resources('AWS::SecretsManager::Secret').length +
            resources('AWS::KMS::Key').length +
            0.1 * alarmMetrics +
            3 * resources('AWS::CloudWatch::Dashboard').length +
            5 * webAcls.length +
            wafRules,
        ),
      ],
    });
  });
});
