/**
 * The REST API: one method per route of the route table, each integrated with its handler's function,
 * and what API Gateway does around them from the gateway contract (infra/gateway-contract.ts):
 * every gateway response as problem+json, compression, CORS preflights with `corsOrigins`. A stage with
 * JSON access logs, execution logs at ERROR, X-Ray and the stage-wide throttle. No request validator:
 * each function's zod schemas validate (see the APIG2 acknowledgement). A regional endpoint unless the
 * context asks for an edge-optimized one (which China's regions do not offer).
 *
 * The API, its resources and methods live in the parent stack; each method's permission to invoke its
 * function lives beside the function, in its group's nested stack (infra/constructs/route-functions.ts):
 * one per method, for this API's stage, method and path only. No second permission for the console's
 * test invocations (LambdaIntegration's `allowTestInvoke`): a resource per route the stack cannot spare.
 */
import { Duration, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import type { RouteTable } from '../functions.ts';
import {
  corsPreflight,
  type GatewayResponse,
  type GatewayResponseType,
  gatewayResponseHeaders,
  gatewayResponses,
  MINIMUM_COMPRESSION_BYTES,
} from '../gateway-contract.ts';

export interface RouteApiProps {
  /** The API's name in API Gateway. */
  name: string;
  routes: RouteTable;
  /** The function of each handler entry of the route table (RouteFunctions.byEntry). */
  functions: ReadonlyMap<string, lambda.IFunction>;
  config: Pick<DeploymentConfig, 'stage' | 'logRetentionDays' | 'stageRateLimit' | 'stageBurstLimit' | 'corsOrigins' | 'endpointType'>;
}

/** Regions that offer no edge-optimized APIs (https://docs.amazonaws.cn/en_us/aws/latest/userguide/api-gateway.html). */
export const REGIONAL_ONLY = ['cn-north-1', 'cn-northwest-1'];

export class RouteApi {
  readonly api: apigateway.RestApi;

  /** Creates its resources in `scope`, the stack (see infra/stack.ts). */
  constructor(scope: Construct, { name, routes, functions, config }: RouteApiProps) {
    const { region } = Stack.of(scope);
    if (config.endpointType === 'EDGE' && !Token.isUnresolved(region) && REGIONAL_ONLY.includes(region)) {
      throw new Error(`${region} offers no edge-optimized APIs: deploy with endpointType REGIONAL (the default).`);
    }
    const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(scope, 'Api', {
      restApiName: name,
      description: 'User-data platform API',
      endpointConfiguration: { types: [apigateway.EndpointType[config.endpointType]] },
      cloudWatchRole: true,
      minCompressionSize: Size.bytes(MINIMUM_COMPRESSION_BYTES),
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: config.stageRateLimit,
        throttlingBurstLimit: config.stageBurstLimit,
      },
      ...(config.corsOrigins.length > 0 && {
        defaultCorsPreflightOptions: {
          allowOrigins: config.corsOrigins,
          allowHeaders: corsPreflight.allowHeaders,
          allowMethods: corsPreflight.allowMethods,
          maxAge: Duration.seconds(corsPreflight.maxAgeSeconds),
          statusCode: corsPreflight.status,
        },
      }),
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level role API Gateway needs for execution logging; the AWS-managed policy only allows writing logs.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every route but /health needs an API key; identity is a JWT verified in the function (algorithm, key, issuer, audience, expiry) together with its session in DynamoDB, which a gateway authorizer could not check without a second round trip.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Accounts live in this API (bcrypt passwords, rotating refresh tokens), not in Cognito; see APIG4.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated by each function with the zod schemas of the route table, which name every bad field (400 problem+json); a gateway validator would answer first with a generic 400, before authentication (infra/gateway-contract.ts).',
    });

    const apiGateway = new iam.ServicePrincipal('apigateway.amazonaws.com');
    for (const [routeId, route] of Object.entries(routes)) {
      const fn = functions.get(route.entry);
      if (!fn) throw new Error(`No function for ${route.entry} (route ${routeId})`);
      // LambdaIntegration without the permission it would add in this stack: the same proxy integration.
      const integration = new apigateway.AwsIntegration({ proxy: true, service: 'lambda', path: `2015-03-31/functions/${fn.functionArn}/invocations` });
      this.api.root.resourceForPath(route.path).addMethod(route.method, integration, { apiKeyRequired: route.apiKey !== false, operationName: routeId });
      fn.addPermission(`ApiPermission.${routeId}`, {
        principal: apiGateway,
        // The stage by name: a reference to the stage would make the function's stack wait for the API's deployment, which waits for it.
        sourceArn: this.api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]*\}/g, '*'), config.stage),
      });
    }

    for (const [type, response] of Object.entries(gatewayResponses) as [GatewayResponseType, GatewayResponse][]) {
      const headers = gatewayResponseHeaders(type, config.corsOrigins);
      this.api.addGatewayResponse(type, {
        type: apigateway.ResponseType.of(type),
        ...(response.status !== undefined && { statusCode: String(response.status) }),
        // API Gateway's mapping syntax: a fixed value in single quotes, or a request header to copy.
        responseHeaders: Object.fromEntries(
          Object.entries(headers).map(([name, header]) => [
            name,
            'value' in header ? `'${header.value}'` : `method.request.header.${header.fromRequestHeader}`,
          ]),
        ),
        templates: { 'application/json': JSON.stringify(response.body) },
      });
    }
  }
}
