/**
 * The local gateway does what the synthesized template declares, method by method and response by
 * response. The stack and the local gateway both read infra/gateway-contract.ts and the same
 * CDK context; this test reads the template (not the contract), so it fails when either side changes
 * alone: a request validator or a header added in the stack, a method or an answer changed locally,
 * a throttle's rate or burst in the stack. Every response type API Gateway has is either answered
 * here as the template declares it or shown impossible with this template (the last test).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.ts';
import { functionId, functionSpecs } from '../../infra/functions.ts';
import { FUNCTION_FAILURE_TYPES, gatewayResponses, MAX_PAYLOAD_BYTES } from '../../infra/gateway-contract.ts';
import { type RouteDef, type RouteId, routes } from '../../shared/routes.ts';
import { createGateway } from '../../tools/local/gateway/index.ts';
import { type LocalLambda, localLambdaOptions, startLocalLambda } from '../../tools/local/lambda.ts';
import { defined, type Json } from '../../tools/values.ts';
import { API_KEY, type Api, CONSOLE_KEY, clientFor } from '../support/api.ts';
import { integratedFunction, type Synthesized, synth } from '../support/stack.ts';

type Resources = Record<string, Json>;

/** The contexts the tests compare under, each synthesized once (without bundling), in the hook below. */
const small = { stage: 'dev', corsOrigins: 'https://a.example,https://b.example', monthlyQuota: 5, stageRateLimit: 2, stageBurstLimit: 8 };
const contexts = {
  default: JSON.parse(readFileSync('cdk.json', 'utf8')).context,
  none: {},
  small,
  smallWithRoomForPreflights: { ...small, stageBurstLimit: 1000 },
  waf: { wafRateLimit: 12 },
  wafSession: { wafSessionRateLimit: 12 },
  stageThrottle: { stageRateLimit: 4, stageBurstLimit: 8 },
};
type ContextName = keyof typeof contexts;
const syntheses = {} as Record<ContextName, Synthesized>;
let lambda: LocalLambda; // one for every gateway here: what is compared is the gateway's part

// The heavy part, on a budget of its own: a synthesis takes seconds (many on a busy machine), and so
// does each function's first start, which the routing tests below would otherwise pay for one by one.
beforeAll(async () => {
  for (const name of Object.keys(contexts) as ContextName[]) syntheses[name] = synth(contexts[name]);
  lambda = await startLocalLambda(localLambdaOptions());
  await lambda.prewarm();
}, 10 * 60_000);

/** The context's synthesis, and a fresh local gateway (full buckets) configured from the same context. */
async function deployBoth(name: ContextName) {
  const context: Record<string, unknown> = contexts[name];
  const synthesized = syntheses[name];
  const template = synthesized.root.toJSON().Resources as Resources;
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
  return { template, synthesized, events, port, api: clientFor(`http://127.0.0.1:${port}`) };
}
const servers: ReturnType<typeof createGateway>[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await lambda?.close();
});

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

/** The response types this file has seen the local gateway answer as the template declares them. */
const answered = new Set<string>();

/** `status` is the cause's, for a DEFAULT_* fallback, which declares none. */
async function expectDeclared(
  resources: Resources,
  type: string,
  res: { status: number; headers: Headers; body: unknown },
  requestHeaders: Record<string, string> = {},
  status?: number,
) {
  const declared = declaredAnswer(resources, type, requestHeaders);
  expect(res.status, type).toBe(declared.status ?? status);
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
  answered.add(type);
}

/** An address for each request of a flood, so that the per-address limit (600 a minute) never stands in the way. */
const addresses = { next: 0 };
const someAddress = () => `127.0.9.${1 + (addresses.next++ % 250)}`;

/**
 * Holds the local gateway's token bucket to a rate and burst the template declares. A flood sent at
 * once drains it: the burst passes, and what refills until the flood has arrived, which the last
 * refusal's answer bounds (a refusal is answered on arrival; passes wait for their function). Then
 * requests one after another, from the first refusal until `wanted` more pass: at `rate` tokens a
 * second that takes at least (wanted - 1) / rate seconds (a token may be ready at once) and at most
 * wanted / rate, plus the longest answer twice (a token waits for the next request, the last answer
 * for its way back). The bounds come from times measured here: a slow machine widens them.
 */
async function expectBucket(
  template: Resources,
  { rate, burst }: { rate: number; burst: number },
  send: () => Promise<{ status: number; headers: Headers; body: unknown }>,
) {
  const started = performance.now();
  const flood = await Promise.all(Array.from({ length: burst + 40 }, () => send().then((res) => ({ ...res, back: performance.now() }))));
  const passedFlood = flood.filter((r) => r.status !== 429).length;
  const arrived = (Math.max(...flood.filter((r) => r.status === 429).map((r) => r.back)) - started) / 1000;
  expect(passedFlood, 'requests through the burst').toBeGreaterThanOrEqual(burst);
  expect(passedFlood, 'requests through the burst').toBeLessThanOrEqual(burst + Math.ceil(arrived * rate) + 1);
  await expectDeclared(template, 'THROTTLED', first429(flood));

  const wanted = Math.max(8, rate);
  let from: number | undefined;
  let passes = 0;
  let last = 0;
  let longest = 0;
  while (passes < wanted && (from === undefined || performance.now() - from < (wanted / rate) * 1000 + 2 * longest + 1000)) {
    const sent = performance.now();
    const res = await send();
    const back = performance.now();
    longest = Math.max(longest, back - sent);
    if (res.status === 429) from ??= sent;
    else if (from !== undefined) {
      passes++;
      last = back;
    }
  }
  const seconds = (last - (from ?? last)) / 1000;
  expect(passes, `requests through at ${rate} a second`).toBe(wanted);
  expect(seconds, `seconds for ${wanted} requests at ${rate} a second`).toBeGreaterThanOrEqual((wanted - 1) / rate);
  expect(seconds, `seconds for ${wanted} requests at ${rate} a second`).toBeLessThanOrEqual(wanted / rate + (2 * longest) / 1000);
}

const allRoutes = Object.entries(routes) as [RouteId, RouteDef][];
const sample = (path: string) => path.replace(/\{\w+\}/g, 'x');

type Deployed = Awaited<ReturnType<typeof deployBoth>>;
/** The default context's deployment, for the last test. */
let defaultDeployment: { template: Resources; synthesized: Synthesized } | undefined;

describe('with the default context (cdk.json)', () => {
  let template: Resources, synthesized: Synthesized, events: Deployed['events'], api: Api, methods: [string, Json][];
  beforeAll(async () => {
    ({ template, synthesized, events, api } = await deployBoth('default'));
    methods = ofType(template, 'AWS::ApiGateway::Method');
    defaultDeployment = { template, synthesized };
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
    expect(Object.keys(restApi.Properties).sort()).toEqual(['Description', 'EndpointConfiguration', 'MinimumCompressionSize', 'Name']);
    // The local gateway is a regional endpoint (an edge-optimized one has CloudFront in front, with other request limits).
    expect(restApi.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    for (const [, method] of methods) {
      const { AuthorizationType, RequestValidatorId, RequestModels, RequestParameters, AuthorizerId, Integration } = method.Properties;
      expect({ AuthorizationType, RequestValidatorId, RequestModels, RequestParameters, AuthorizerId }).toEqual({ AuthorizationType: 'NONE' });
      expect(Integration.Type).toBe('AWS_PROXY');
    }
  });

  it('declares exactly the route table’s methods, each to its own function, with or without an API key', async () => {
    const declared = methods.map(([, m]) => {
      const { HttpMethod, ResourceId, ApiKeyRequired } = m.Properties;
      const fn = integratedFunction(synthesized, m).logicalId.replace(/Function[0-9A-F]{8}$/, ''); // in its group's nested stack
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

  it('throttles each key at its usage plan’s rate and burst, answering its THROTTLED, and a key whose plan has no throttle never', async () => {
    const { api } = await deployBoth('default'); // full buckets
    const keyOf = (planId: string) => {
      const [, link] = defined(
        ofType(template, 'AWS::ApiGateway::UsagePlanKey').find(([, k]) => k.Properties.UsagePlanId.Ref === planId),
        `the key of the usage plan ${planId}`,
      );
      const keyId: string = link.Properties.KeyId.Ref;
      return keyId.startsWith('ClientApiKey') ? API_KEY : keyId.startsWith('ConsoleApiKey') ? CONSOLE_KEY : undefined;
    };
    const plans = ofType(template, 'AWS::ApiGateway::UsagePlan');
    expect(plans).toHaveLength(2);
    for (const [planId, plan] of plans) {
      const apiKey = defined(keyOf(planId), `a key the local gateway knows for ${planId}`);
      const send = () => api.get('/me', { apiKey, from: someAddress() }); // reaches the function: 401 without a token
      const { Throttle } = plan.Properties;
      if (Throttle) await expectBucket(template, { rate: Throttle.RateLimit, burst: Throttle.BurstLimit }, send);
      else expect((await Promise.all(Array.from({ length: 100 }, send))).filter((r) => r.status === 429)).toEqual([]);
    }
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
    const { template, api } = await deployBoth('none');
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

describe('throttles and failures, type by type', () => {
  it('throttles the stage at the rate and burst of the template’s stage, answering its THROTTLED', async () => {
    const { template, api } = await deployBoth('stageThrottle');
    const [settings] = firstOfType(template, 'AWS::ApiGateway::Stage').Properties.MethodSettings;
    const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = settings;
    await expectBucket(template, { rate, burst }, () => api.get('/health', { apiKey: null, from: someAddress() }));
  });

  it('answers a function that throws, crashes or runs out of time with the template’s DEFAULT_5XX at 502, as AWS answers a function error', async () => {
    const { template } = defined(defaultDeployment, 'the default context’s deployment');
    // A failure has no gateway response of its own: INTEGRATION_FAILURE and INTEGRATION_TIMEOUT fall back to DEFAULT_5XX.
    const declaredTypes = ofType(template, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties.ResponseType);
    for (const type of FUNCTION_FAILURE_TYPES) expect(declaredTypes).not.toContain(type);
    // GET /health runs the probe fixture (tests/support/functions/probe.ts), with a one-second timeout.
    const health = 'functions/health/get.ts';
    const specs = functionSpecs();
    specs.set(health, { ...defined(specs.get(health), 'the health function'), entry: 'tests/support/functions/probe.ts', timeoutSeconds: 1 });
    const failing = await startLocalLambda({ ...localLambdaOptions(), specs });
    const server = createGateway({ apiKey: API_KEY, consoleKey: CONSOLE_KEY, lambda: failing, config: readConfig(() => undefined) });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const api = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      expect((await api.get('/health')).status).toBe(200);
      for (const failure of ['throw', 'crash', 'spin']) await expectDeclared(template, 'DEFAULT_5XX', await api.get(`/health?do=${failure}`), {}, 502);
      for (const type of FUNCTION_FAILURE_TYPES) answered.add(type);
    } finally {
      await new Promise((done) => server.close(done));
      await failing.close();
    }
  });
});

/** Every gateway response type API Gateway has (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html). */
const API_GATEWAY_RESPONSE_TYPES = [
  'ACCESS_DENIED',
  'API_CONFIGURATION_ERROR',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'BAD_REQUEST_PARAMETERS',
  'BAD_REQUEST_BODY',
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE',
  'INTEGRATION_TIMEOUT',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'QUOTA_EXCEEDED',
  'REQUEST_TOO_LARGE',
  'RESOURCE_NOT_FOUND',
  'THROTTLED',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
  'WAF_FILTERED',
];

describe('every response type API Gateway has', () => {
  // After every other test of this file: it reads which types they saw answered.
  it('was answered above as the template declares it, or cannot arise with this template', () => {
    const { template, synthesized } = defined(defaultDeployment, 'the default context’s deployment');
    const methods = ofType(template, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    const restApi = firstOfType(template, 'AWS::ApiGateway::RestApi').Properties;
    const declaredTypes = ofType(template, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    const stage = firstOfType(template, 'AWS::ApiGateway::Stage').Properties.StageName;

    // Authorizers (Lambda, Cognito) and IAM signatures: none, no method asks for one, no resource policy.
    const noAuthorization = () => {
      expect(ofType(template, 'AWS::ApiGateway::Authorizer')).toEqual([]);
      expect(methods.map((m) => m.AuthorizationType)).toEqual(methods.map(() => 'NONE'));
      expect(restApi.Policy).toBeUndefined();
    };
    // Request validators: none, on no method.
    const noValidation = () => {
      expect(ofType(template, 'AWS::ApiGateway::RequestValidator')).toEqual([]);
      expect(methods.filter((m) => m.RequestValidatorId || m.RequestParameters || m.RequestModels)).toEqual([]);
    };
    // Proxy integrations only (no passthrough rules, mapping templates or integration responses), no binary media types,
    // and every method's function lets this API's stage invoke it for that method (a missing permission is a configuration error).
    const proxiesOnly = () => {
      expect(restApi.BinaryMediaTypes).toBeUndefined();
      for (const m of methods) {
        const { Type, PassthroughBehavior, RequestTemplates, IntegrationResponses, ContentHandling } = m.Integration;
        expect({ Type, PassthroughBehavior, RequestTemplates, IntegrationResponses, ContentHandling }).toEqual({ Type: 'AWS_PROXY' });
        const { stack, logicalId } = integratedFunction(synthesized, { Properties: m });
        const granted = Object.values(stack.findResources('AWS::Lambda::Permission'))
          .filter((p: Json) => p.Properties.FunctionName['Fn::GetAtt'][0] === logicalId)
          .map((p: Json) => p.Properties.SourceArn['Fn::Join'][1].at(-1));
        const path = pathOf(template, m.ResourceId).replace(/\{[^}]+\}/g, '*');
        expect(granted, `${m.HttpMethod} ${path}`).toContain(`/${stage}/${m.HttpMethod}${path}`);
      }
    };
    // A 4xx falls back to DEFAULT_4XX only for a type without an entry: every 4xx type has one.
    const every4xxDeclared = () => {
      const declared = new Set(declaredTypes.map((r) => r.ResponseType));
      const fourXX = Object.entries(gatewayResponses).filter(([, r]) => r.status !== undefined && r.status < 500);
      expect(fourXX.filter(([type]) => !declared.has(type))).toEqual([]);
    };
    const cannotArise: Record<string, () => void> = {
      ACCESS_DENIED: noAuthorization,
      AUTHORIZER_CONFIGURATION_ERROR: noAuthorization,
      AUTHORIZER_FAILURE: noAuthorization,
      UNAUTHORIZED: noAuthorization,
      EXPIRED_TOKEN: noAuthorization,
      INVALID_SIGNATURE: noAuthorization,
      RESOURCE_NOT_FOUND: noAuthorization, // only after an authorizer or IAM let the request through
      BAD_REQUEST_BODY: noValidation,
      BAD_REQUEST_PARAMETERS: noValidation,
      UNSUPPORTED_MEDIA_TYPE: proxiesOnly,
      API_CONFIGURATION_ERROR: proxiesOnly,
      DEFAULT_4XX: every4xxDeclared,
    };
    for (const type of API_GATEWAY_RESPONSE_TYPES) {
      if (answered.has(type)) continue;
      const proof = cannotArise[type];
      expect(proof, `${type}: neither answered here nor shown impossible`).toBeDefined();
      proof?.();
    }
    expect([...answered].filter((type) => !API_GATEWAY_RESPONSE_TYPES.includes(type))).toEqual([]);
  });
});
