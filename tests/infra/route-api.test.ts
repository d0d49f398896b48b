/** The REST API in the synthesized stack: the route table's methods, the gateway contract's responses, the stage, CORS. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { gatewayResponses } from '../../infra/gateway-contract.ts';
import { type RouteDef, routes } from '../../shared/routes.ts';
import { defined, type Json } from '../../tools/values.ts';
import { integratedFunction, resourcesOf, synth } from '../support/stack.ts';

const template = synth();
const resources = (type: string) => resourcesOf(template, type);
const allRoutes = Object.entries(routes) as [string, RouteDef][];

describe('REST API', () => {
  const methods = resources('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS');
  const pathOf = (ref: Json): string => {
    if (ref['Fn::GetAtt']) return '';
    const [, resource] = defined(
      resources('AWS::ApiGateway::Resource').find(([id]) => id === ref.Ref),
      `the resource ${ref.Ref}`,
    );
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };

  it('has exactly the methods of the route table, keyed as the table says', () => {
    const deployed = methods.map(([, m]) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`).sort();
    expect(deployed).toEqual(allRoutes.map(([, r]) => `${r.method} ${r.path}`).sort());
    for (const [, m] of methods) {
      const [, route] = defined(
        allRoutes.find(([id]) => id === m.Properties.OperationName),
        `a route with the id ${m.Properties.OperationName}`,
      );
      expect(m.Properties.ApiKeyRequired).toBe(route.apiKey !== false);
      expect(m.Properties.RequestValidatorId).toBeUndefined();
      expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
    }
  });

  it('lets each method, and nothing else, invoke its function: one permission per method, for the stage, method and path', () => {
    const arnOf = (sourceArn: Json) => {
      const [, parts] = sourceArn['Fn::Join'];
      expect(parts[parts.length - 2], 'the API').toEqual({ Ref: expect.stringMatching(/^referencetoTestApi[0-9A-F]{8}Ref$/) });
      return parts[parts.length - 1]; // /<stage>/<METHOD>/<path, parameters as *>
    };
    const expected = new Map<string, string[]>();
    const granted = new Map<string, string[]>();
    for (const [, m] of methods) {
      const { stack, logicalId } = integratedFunction(template, m);
      const key = `${stack.toJSON().Description} ${logicalId}`;
      const path = (pathOf(m.Properties.ResourceId) || '/').replace(/\{[^}]+\}/g, '*');
      expected.set(key, [...(expected.get(key) ?? []), `/prod/${m.Properties.HttpMethod}${path}`].sort());
      const permissions = Object.values(stack.findResources('AWS::Lambda::Permission')).filter(
        (p: Json) => p.Properties.FunctionName['Fn::GetAtt'][0] === logicalId,
      ) as Json[];
      for (const p of permissions) expect(p.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      granted.set(key, permissions.map((p) => arnOf(p.Properties.SourceArn)).sort());
    }
    expect(granted).toEqual(expected);
    expect(resources('AWS::Lambda::Permission')).toHaveLength(methods.length); // none for the console's test invocations
  });

  it('is regional unless the context asks for edge-optimized, which China’s regions refuse', () => {
    const endpointOf = (synthesized: ReturnType<typeof synth>) =>
      defined(resourcesOf(synthesized.root, 'AWS::ApiGateway::RestApi')[0], 'the REST API')[1].Properties.EndpointConfiguration;
    expect(endpointOf(template)).toEqual({ Types: ['REGIONAL'] });
    expect(endpointOf(synth({ endpointType: 'EDGE' }))).toEqual({ Types: ['EDGE'] });
    expect(endpointOf(synth({ endpointType: 'edge' }, { env: { region: 'eu-west-1' } }))).toEqual({ Types: ['EDGE'] });
    expect(endpointOf(synth({}, { env: { region: 'cn-north-1' } }))).toEqual({ Types: ['REGIONAL'] });
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      expect(() => synth({ endpointType: 'EDGE' }, { env: { region } })).toThrow(`${region} offers no edge-optimized APIs`);
    }
    expect(() => synth({ endpointType: 'PRIVATE' })).toThrow('endpointType must be REGIONAL or EDGE, not PRIVATE');
  });

  it('leaves validation to the functions: no request validator, no models', () => {
    expect(resources('AWS::ApiGateway::RequestValidator')).toEqual([]);
    expect(resources('AWS::ApiGateway::Model')).toEqual([]);
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
    template.root.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      MethodSettings: [
        Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
      ],
    });
    synth({ stage: 'dev' }).root.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev' });
  });

  it('allows CORS only for configured origins', () => {
    expect(resources('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS')).toEqual([]);
    const cors = synth({ corsOrigins: 'https://console.example.com' });
    const options = resourcesOf(cors, 'AWS::ApiGateway::Method')
      .map(([, m]) => m)
      .filter((m: Json) => m.Properties.HttpMethod === 'OPTIONS');
    expect(options.length).toBeGreaterThan(0);
    expect(JSON.stringify(options[0])).toContain('https://console.example.com');
  });
});
