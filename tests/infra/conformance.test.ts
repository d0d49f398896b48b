/**
 * The local gateway does what the synthesized template declares, method by method and response by
 * response. The stack and the local gateway both read infra/gateway-contract.ts and the same
 * CDK context; this test reads the template (not the contract), so it fails when either side changes
 * alone: a request validator or a header added in the stack, a method or an answer changed locally.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.ts';
import { functionId } from '../../infra/functions.ts';
import { MAX_PAYLOAD_BYTES } from '../../infra/gateway-contract.ts';
import { UserDataStack } from '../../infra/stack.ts';
import { type RouteDef, type RouteId, routes } from '../../shared/routes.ts';
import { createGateway } from '../../tools/local/gateway/index.ts';
import { type LocalLambda, localLambdaOptions, startLocalLambda } from '../../tools/local/lambda.ts';
import { defined, type Json } from '../../tools/values.ts';
import { API_KEY, type Api, CONSOLE_KEY, clientFor } from '../support/api.ts';

type Resources = Record<string, Json>;

/** The contexts the tests compare under, each synthesized once (without bundling), in the hook below. */
const small = { stage: 'dev', corsOrigins: 'https://a.example,https://b.example', monthlyQuota: 5, stageRateLimit: 2, stageBurstLimit: 8 };
const contexts = {
  default: JSON.parse(readFileSync('cdk.json', 'utf8')).context,
  small,
  smallWithRoomForPreflights: { ...small, stageBurstLimit: 1000 },
  waf: { wafRateLimit: 12 },
  wafSession: { wafSessionRateLimit: 12 },
};
type ContextName = keyof typeof contexts;
const templates = {} as Record<ContextName, Resources>;
let lambda: LocalLambda; // one for every gateway here: what is compared is the gateway's part
const servers: ReturnType<typeof createGateway>[] = [];

// The heavy part, on a budget of its own: a synthesis takes seconds (many on a busy machine), and so
// does each function's first start, which the routing tests below would otherwise pay for one by one.
beforeAll(async () => {
  for (const name of Object.keys(contexts) as ContextName[]) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...contexts[name] } });
    templates[name] = Template.fromStack(new UserDataStack(app, 'Conformance')).toJSON().Resources as Resources;
  }
  lambda = await startLocalLambda(localLambdaOptions());
  await lambda.prewarm();
}, 10 * 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await lambda?.close();
});

/** The context's template, and a fresh local gateway (full buckets) configured from the same context. */
async function deployBoth(name: ContextName) {
  const context: Record<string, unknown> = contexts[name];
  const events: { event: APIGatewayProxyEvent; routeId: RouteId }[] = [];
  const server = createGateway({
    apiKey: API_KEY,
    consoleKey: CONSOLE_KEY,
    lambda,
    config: readConfig((key) => context[key]),
    onEvent: (event, routeId) => events.push({ event, routeId }),
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  return { template: templates[name], events, port, api: clientFor(`http://127.0.0.1:${port}`) };
}

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type) as [string, Json][];

/** The first resource of a type (the one, where the template has one). */
const firstOfType = (resources: Resources, type: string) => defined(ofType(resources, type)[0], `a ${type} in the template`)[1];

/** A resource's path, from its chain of parents in the template. */
function pathOf(resources: Resources, resourceId: Json): string {
  if (resourceId['Fn::GetAtt']) return '/';
  const { ParentId, PathPart } = resources[resourceId.Ref].Properties;
  const parent = pathOf(resources, ParentId);
  return `${parent === '/' ? '' : parent}/${PathPart}`;
}

/** What the template says a header becomes for a request: a fixed value, or a request header copied. */
function declaredHeaders(parameters: Record<string, string>, prefix: string, requestHeaders: Record<string, string>) {
  const headers: Record<string, string> = {};
  for (const [key, expression] of Object.entries(parameters ?? {})) {
    const name = key.slice(prefix.length).toLowerCase();
    const fixed = /^'(.*)'$/s.exec(expression);
    const copied = /^method\.request\.header\.(.+)$/.exec(expression);
    const copiedValue = copied && requestHeaders[defined(copied[1], 'a header name').toLowerCase()];
    if (fixed) headers[name] = defined(fixed[1], 'a fixed value');
    else if (copiedValue) headers[name] = copiedValue;
    else if (!copied) throw new Error(`The local gateway cannot apply the mapping ${key}: ${expression}`);
  }
  return headers;
}

/** The status, headers and body a gateway response of the template gives this request. */
function declaredAnswer(resources: Resources, type: string, requestHeaders: Record<string, string> = {}) {
  const [, response] = defined(
    ofType(resources, 'AWS::ApiGateway::GatewayResponse').find(([, r]) => r.Properties.ResponseType === type),
    `a gateway response of type ${type}`,
  );
  const { StatusCode, ResponseParameters, ResponseTemplates } = response.Properties;
  return {
    status: StatusCode === undefined ? undefined : Number(StatusCode),
    headers: declaredHeaders(ResponseParameters, 'gatewayresponse.header.', requestHeaders),
    body: JSON.parse(ResponseTemplates['application/json']),
  };
}

const first429 = <T extends { status: number }>(answers: T[]) =>
  defined(
    answers.find((r) => r.status === 429),
    'a 429 answer',
  );

/** The response's headers that the declaration names (transport headers such as Date are not declared). */
const headersNamed = (res: { headers: Headers }, names: string[]) =>
  Object.fromEntries(names.filter((name) => res.headers.has(name)).map((name) => [name, res.headers.get(name)]));

async function expectDeclared(
  resources: Resources,
  type: string,
  res: { status: number; headers: Headers; body: unknown },
  requestHeaders: Record<string, string> = {},
) {
  const declared = declaredAnswer(resources, type, requestHeaders);
  expect(res.status, type).toBe(declared.status);
  expect(res.body, type).toEqual(declared.body);
  expect(headersNamed(res, Object.keys(declared.headers)), type).toEqual(declared.headers);
  // Nothing the template does not declare, apart from transport headers.
  const names: string[] = [];
  res.headers.forEach((_, name) => {
    names.push(name);
  });
  const extra = names.filter(
    (name) => !(name in declared.headers) && !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name),
  );
  expect(extra, type).toEqual([]);
}

const allRoutes = Object.entries(routes) as [RouteId, RouteDef][];
const sample = (path: string) => path.replace(/\{\w+\}/g, 'x');

type Deployed = Awaited<ReturnType<typeof deployBoth>>;

describe('with the default context (cdk.json)', () => {
  let template: Resources, events: Deployed['events'], api: Api, methods: [string, Json][];
  beforeAll(async () => {
    ({ template, events, api } = await deployBoth('default'));
    methods = ofType(template, 'AWS::ApiGateway::Method');
  });

  it('has no web ACL rule the local gateway does not apply: the per-address and per-session rate limits, the body rule', () => {
    const acls = ofType(template, 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    const acl = firstOfType(template, 'AWS::WAFv2::WebACL');
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    expect(Object.keys(acl.Properties.CustomResponseBodies)).toEqual(['BodyTooLarge']);
    const none = [{ Priority: 0, Type: 'NONE' }];
    const header = (name: string) => ({ SingleHeader: { Name: name } });
    expect(acl.Properties.Rules.map((r: Json) => ({ Action: r.Action, Statement: r.Statement }))).toEqual([
      { Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: expect.any(Number), EvaluationWindowSec: 60, AggregateKeyType: 'IP' } } },
      {
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            Limit: expect.any(Number),
            EvaluationWindowSec: 60,
            AggregateKeyType: 'CUSTOM_KEYS',
            CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: none } }],
            ScopeDownStatement: {
              SizeConstraintStatement: { FieldToMatch: header('authorization'), ComparisonOperator: 'GT', Size: 0, TextTransformations: none },
            },
          },
        },
      },
      {
        Action: { Block: { CustomResponse: { ResponseCode: expect.any(Number), CustomResponseBodyKey: 'BodyTooLarge', ResponseHeaders: expect.any(Array) } } },
        Statement: {
          AndStatement: {
            Statements: [
              {
                SizeConstraintStatement: {
                  FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
                  ComparisonOperator: 'GT',
                  Size: 0,
                  TextTransformations: none,
                },
              },
              {
                NotStatement: {
                  Statement: { RegexMatchStatement: { FieldToMatch: header('content-length'), RegexString: expect.any(String), TextTransformations: none } },
                },
              },
            ],
          },
        },
      },
    ]);
    const association = firstOfType(template, 'AWS::WAFv2::WebACLAssociation');
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain('stages');
  });

  it('has no gateway feature the local gateway does not apply', () => {
    for (const type of ['RequestValidator', 'Model', 'Authorizer', 'DocumentationPart', 'RequestValidator', 'BasePathMapping', 'DomainName', 'VpcLink']) {
      expect(ofType(template, `AWS::ApiGateway::${type}`), type).toEqual([]);
    }
    const restApi = firstOfType(template, 'AWS::ApiGateway::RestApi');
    expect(Object.keys(restApi.Properties).sort()).toEqual(['Description', 'MinimumCompressionSize', 'Name']);
    for (const [, method] of methods) {
      const { AuthorizationType, RequestValidatorId, RequestModels, RequestParameters, AuthorizerId, Integration } = method.Properties;
      expect({ AuthorizationType, RequestValidatorId, RequestModels, RequestParameters, AuthorizerId }).toEqual({ AuthorizationType: 'NONE' });
      expect(Integration.Type).toBe('AWS_PROXY');
    }
  });

  it('declares exactly the route table’s methods, each to its own function, with or without an API key', async () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    const declared = methods.map(([, m]) => {
      const { HttpMethod, ResourceId, ApiKeyRequired, Integration } = m.Properties;
      const arnRef = defined(JSON.stringify(Integration.Uri).match(/"([A-Za-z0-9]+)","Arn"/), `a function ARN in ${HttpMethod}'s integration`)[1];
      const fn = defined(
        functions.find(([id]) => id === arnRef),
        `the function ${arnRef}`,
      )[0].replace(/Function[0-9A-F]{8}$/, '');
      return { method: HttpMethod, path: pathOf(template, ResourceId), apiKey: ApiKeyRequired, fn };
    });
    const local = allRoutes.map(([, r]) => ({ method: r.method, path: r.path, apiKey: r.apiKey !== false, fn: functionId(r.entry) }));
    const key = (m: { method: string; path: string }) => `${m.method} ${m.path}`;
    expect(declared.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(local.sort((a, b) => key(a).localeCompare(key(b))));

    // And the local gateway does it: without a key, a keyed method is refused and another reaches its function.
    for (const { method, path, apiKey } of declared) {
      events.length = 0;
      const res = await api.call(method, sample(path), { apiKey: null });
      if (apiKey) await expectDeclared(template, 'INVALID_API_KEY', res);
      else
        expect(
          events.map((e) => e.event.resource),
          `${method} ${path}`,
        ).toEqual([path]);
      events.length = 0;
      await api.call(method, sample(path));
      expect(
        events.map((e) => [e.event.httpMethod, e.event.resource]),
        `${method} ${path}`,
      ).toEqual([[method, path]]);
    }
  });

  it('answers any other method or path as the template’s MISSING_AUTHENTICATION_TOKEN', async () => {
    const paths = [...new Set(methods.map(([, m]) => pathOf(template, m.Properties.ResourceId)))];
    for (const path of paths) {
      const declared = new Set(methods.filter(([, m]) => pathOf(template, m.Properties.ResourceId) === path).map(([, m]) => m.Properties.HttpMethod));
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((m) => !declared.has(m))) {
        await expectDeclared(template, 'MISSING_AUTHENTICATION_TOKEN', await api.call(method, sample(path)));
      }
    }
    await expectDeclared(template, 'MISSING_AUTHENTICATION_TOKEN', await api.get('/no/such/route'));
  });

  it('refuses a body over the payload limit, and a head over API Gateway’s quotas, as the template’s REQUEST_TOO_LARGE', async () => {
    const res = await api.call('PUT', '/kv/big', { raw: 'x'.repeat(MAX_PAYLOAD_BYTES + 1), headers: { 'content-type': 'application/json' } });
    await expectDeclared(template, 'REQUEST_TOO_LARGE', res);
    await expectDeclared(template, 'REQUEST_TOO_LARGE', await api.get('/health', { headers: { 'x-fill': 'a'.repeat(11_000) } }));
    await expectDeclared(template, 'REQUEST_TOO_LARGE', await api.get(`/health?q=${'a'.repeat(11_000)}`));
  });

  it('refuses a body as the template’s body rule says, with its own answer, and lets one just within it reach the function', async () => {
    const acl = firstOfType(template, 'AWS::WAFv2::WebACL');
    const rule = defined(
      acl.Properties.Rules.find((r: Json) => r.Action.Block.CustomResponse),
      'the rule with a custom response',
    );
    const accepted = new RegExp(rule.Statement.AndStatement.Statements[1].NotStatement.Statement.RegexMatchStatement.RegexString);
    // The largest Content-Length the template's pattern accepts (it accepts every smaller one).
    let [low, high] = [0, MAX_PAYLOAD_BYTES];
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (accepted.test(String(mid))) low = mid;
      else high = mid - 1;
    }
    const put = (bytes: number) => api.call('PUT', '/kv/big', { raw: 'x'.repeat(bytes), headers: { 'content-type': 'application/json' } });
    expect((await put(low)).status).toBe(401); // reached the function: no token
    const refused = await put(low + 1);
    const { ResponseCode, CustomResponseBodyKey, ResponseHeaders } = rule.Action.Block.CustomResponse;
    const { Content, ContentType } = acl.Properties.CustomResponseBodies[CustomResponseBodyKey];
    expect(ContentType).toBe('APPLICATION_JSON');
    expect(refused.status).toBe(ResponseCode);
    expect(refused.headers.get('content-type')).toBe('application/json');
    expect(refused.body).toEqual(JSON.parse(Content));
    const declared = Object.fromEntries(ResponseHeaders.map((h: Json) => [h.Name, h.Value]));
    expect(headersNamed(refused, Object.keys(declared))).toEqual(declared);
  });

  it('throttles each key as the template’s usage plan says, answering its THROTTLED', async () => {
    const { api } = await deployBoth('default'); // a full bucket
    const plan = firstOfType(template, 'AWS::ApiGateway::UsagePlan');
    const { RateLimit, BurstLimit } = plan.Properties.Throttle;
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: BurstLimit + 40 }, () => api.get('/me')));
    const seconds = (performance.now() - started) / 1000;
    const passed = results.filter((r) => r.status !== 429).length;
    expect(passed).toBeGreaterThanOrEqual(BurstLimit);
    expect(passed).toBeLessThanOrEqual(BurstLimit + Math.ceil(seconds * RateLimit));
    await expectDeclared(template, 'THROTTLED', first429(results));
  });

  it('compresses from the template’s minimum size up, when the client accepts it', async () => {
    const restApi = firstOfType(template, 'AWS::ApiGateway::RestApi');
    const minimum = restApi.Properties.MinimumCompressionSize;
    const { port } = await deployBoth('default');
    const raw = (path: string) =>
      new Promise<{ encoding?: string; length: number }>((done) => {
        request({ port, path, headers: { 'accept-encoding': 'gzip' } }, (res) => {
          let length = 0;
          res.on('data', (c: Buffer) => (length += c.length)).on('end', () => done({ encoding: res.headers['content-encoding'], length }));
        }).end();
      });
    const small = await raw('/health');
    expect(small.length).toBeLessThan(minimum);
    expect(small.encoding).toBeUndefined();
    expect((await raw('/openapi.json')).encoding).toBe('gzip');
  });

  it('gives the function the template’s stage in its event', () => {
    const stage = firstOfType(template, 'AWS::ApiGateway::Stage');
    expect(events.length).toBeGreaterThan(0);
    for (const { event } of events) expect(event.requestContext.stage).toBe(stage.Properties.StageName);
  });
});

describe('with origins, a small quota and a small stage throttle in the context', () => {
  const origins = contexts.small.corsOrigins.split(',');
  let template: Resources, api: Api, preflights: [string, Json][];
  beforeAll(async () => {
    ({ template, api } = await deployBoth('smallWithRoomForPreflights')); // room for the preflights below
    preflights = ofType(template, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS');
  });

  it('answers a preflight on every resource as the template’s mock integration does', async () => {
    const resourcePaths = ofType(template, 'AWS::ApiGateway::Resource').map(([id]) => pathOf(template, { Ref: id }));
    expect(preflights.map(([, m]) => pathOf(template, m.Properties.ResourceId)).sort()).toEqual(['/', ...resourcePaths].sort());
    for (const [, method] of preflights) {
      expect(method.Properties.ApiKeyRequired).toBe(false);
      const [response] = method.Properties.Integration.IntegrationResponses;
      // The mock picks the request's origin when it is another listed one (a VTL override).
      const overrides = [...(response.ResponseTemplates?.['application/json'] ?? '').matchAll(/\$origin == "([^"]+)"/g)].map((m) => m[1]);
      for (const origin of [...origins, 'https://evil.example']) {
        const res = await api.call('OPTIONS', sample(pathOf(template, method.Properties.ResourceId)), { apiKey: null, headers: { origin } });
        const expected = declaredHeaders(response.ResponseParameters, 'method.response.header.', {});
        if (overrides.includes(origin)) expected['access-control-allow-origin'] = origin;
        expect(res.status).toBe(Number(response.StatusCode));
        expect(headersNamed(res, Object.keys(expected))).toEqual(expected);
      }
    }
  });

  it('lets a listed origin read the gateway’s own answers', async () => {
    for (const origin of origins) {
      await expectDeclared(template, 'INVALID_API_KEY', await api.get('/me', { apiKey: null, headers: { origin } }), { origin });
      await expectDeclared(template, 'MISSING_AUTHENTICATION_TOKEN', await api.get('/nope', { headers: { origin } }), { origin });
    }
  });

  it('limits each address as the template’s web ACL says, answering its WAF_FILTERED, and no other address', async () => {
    const { template, api } = await deployBoth('waf');
    const acl = firstOfType(template, 'AWS::WAFv2::WebACL');
    const { Limit } = acl.Properties.Rules[0].Statement.RateBasedStatement;
    expect(Limit).toBe(12);
    const answers = await Promise.all(Array.from({ length: Limit + 8 }, () => api.get('/health', { apiKey: null, from: '127.0.0.2' })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(Limit);
    await expectDeclared(template, 'WAF_FILTERED', first429(answers));
    expect((await api.get('/health', { apiKey: null, from: '127.0.0.3' })).status).toBe(200);
  });

  it('limits each session as the template’s web ACL says, answering its WAF_FILTERED, and no other session from that address', async () => {
    const { template, api } = await deployBoth('wafSession');
    const acl = firstOfType(template, 'AWS::WAFv2::WebACL');
    const { Limit } = acl.Properties.Rules[1].Statement.RateBasedStatement;
    expect(Limit).toBe(12);
    const answers = await Promise.all(Array.from({ length: Limit + 8 }, () => api.get('/me', { token: 'one-session', from: '127.0.0.2' })));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(Limit); // reached the function: not a valid token
    await expectDeclared(template, 'WAF_FILTERED', first429(answers));
    expect((await api.get('/me', { token: 'another-session', from: '127.0.0.2' })).status).toBe(401);
  });

  it('throttles both keys and meters only the clients’ key, as the template’s two usage plans say', async () => {
    const { template, api } = await deployBoth('default');
    const plans = ofType(template, 'AWS::ApiGateway::UsagePlan');
    const planOfKey = (keyPrefix: string) => {
      const [, link] = defined(
        ofType(template, 'AWS::ApiGateway::UsagePlanKey').find(([, k]) => k.Properties.KeyId.Ref.startsWith(keyPrefix)),
        `the usage plan key of ${keyPrefix}`,
      );
      return defined(
        plans.find(([id]) => id === link.Properties.UsagePlanId.Ref),
        `the usage plan of ${keyPrefix}`,
      )[1].Properties;
    };
    expect(planOfKey('ConsoleApiKey').Throttle).toEqual(planOfKey('ClientApiKey').Throttle);
    expect(planOfKey('ConsoleApiKey').Quota).toBeUndefined();
    expect(planOfKey('ClientApiKey').Quota).toBeDefined();
    const { BurstLimit } = planOfKey('ClientApiKey').Throttle;
    const burst = (apiKey: string) =>
      Promise.all(Array.from({ length: BurstLimit + 40 }, (_, i) => api.get('/me', { apiKey, from: `127.0.2.${1 + (i % 20)}` })));
    for (const key of [CONSOLE_KEY, API_KEY]) {
      const answers = await burst(key); // each key its own bucket
      expect(answers.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(BurstLimit);
      await expectDeclared(template, 'THROTTLED', first429(answers));
    }
  });

  it('stops a key at the template’s monthly quota, then the stage at its throttle', async () => {
    const { template, api } = await deployBoth('small');
    const plan = firstOfType(template, 'AWS::ApiGateway::UsagePlan');
    const stage = firstOfType(template, 'AWS::ApiGateway::Stage');
    expect(plan.Properties.Quota).toEqual({ Limit: 5, Period: 'MONTH' });
    const statuses: number[] = [];
    for (let i = 0; i < plan.Properties.Quota.Limit; i++) statuses.push((await api.get('/me')).status);
    expect(statuses).toEqual(Array(plan.Properties.Quota.Limit).fill(401)); // reached the function: no token
    await expectDeclared(template, 'QUOTA_EXCEEDED', await api.get('/me'));
    expect((await api.get('/me', { apiKey: CONSOLE_KEY })).status).toBe(401); // the console's plan has no quota

    const { StageName, MethodSettings } = stage.Properties;
    expect(StageName).toBe('dev');
    const { ThrottlingBurstLimit } = MethodSettings[0];
    const health = await Promise.all(Array.from({ length: ThrottlingBurstLimit + 10 }, () => api.get('/health', { apiKey: null })));
    const passed = health.filter((r) => r.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(ThrottlingBurstLimit - 6); // 6 of the burst went on the quota test
    expect(passed).toBeLessThanOrEqual(ThrottlingBurstLimit);
    await expectDeclared(template, 'THROTTLED', first429(health));
  });
});
