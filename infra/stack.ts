/**
 * The whole API on AWS: one table, one app secret, one Lambda per handler (each with its own
 * least-privilege role), a REST API built from the shared route table and the gateway contract
 * problem+json gateway responses and a usage plan, optional WAF, and alarms on a dashboard.
 */
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import {
  corsPreflight,
  gatewayResponseHeaders,
  gatewayResponses,
  MINIMUM_COMPRESSION_BYTES,
  PER_ADDRESS_WINDOW_SECONDS,
  usagePlanThrottle,
  type GatewayResponse,
  type GatewayResponseType,
} from '../shared/http/gateway-contract.ts';
import { table as tableDefinition } from '../shared/db/table.ts';
import { routes, type RouteDef } from '../shared/routes.ts';
import { bundling, copyStaticFiles } from './bundling.ts';
import { configOf, type DeploymentConfig } from './config.ts';
import { functionEnvironment, functionId, functionSpecs, type FunctionSpec } from './functions.ts';
import { paramsAndSecretsLayerArn } from './params-and-secrets-layers.ts';
import { lambdaRuntime } from './runtime.ts';

const ROOT = resolve(import.meta.dirname, '..');

export class UserDataStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const config = configOf(this.node);

    // ---- Data and secrets -------------------------------------------------------------------
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      });
    }

    // HKDF derives every key (JWT, field encryption, cursors, lookup hashes) from this one value.
    const appSecret = new secretsmanager.Secret(this, 'AppSecret', {
      description: 'Master key of the user-data API (JWT signing, field encryption, cursors, keyed hashes)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ keyId: '1' }),
        generateStringKey: 'masterKey',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The master key encrypts stored data; rotating it means adding the old value under retiredKeys so existing ciphertexts stay readable. That is a deliberate, manual procedure (README: key rotation), not an automatic Lambda rotation.',
    });

    // The API keys' values live in secrets: the clients' key for the operator to hand out, the
    // console's for the console function to put in its page (gateway-contract.ts: two usage plans).
    const keySecret = (id: string, description: string) => {
      const secret = new secretsmanager.Secret(this, id, { description, generateSecretString: { passwordLength: 40, excludePunctuation: true } });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'An API key is handed to its clients (or served in the console page); rotating it is a coordinated change (new key, then remove the old), not an automatic rotation.',
      });
      return secret;
    };
    const apiKeySecret = keySecret('ApiKeySecret', 'API key for API clients of the user-data API (send as x-api-key)');
    const consoleKeySecret = keySecret('ConsoleApiKeySecret', "API key of the user-data API's public web console (served in the console page)");

    // ---- Functions --------------------------------------------------------------------------
    const resources = {
      tableName: table.tableName,
      appSecretArn: appSecret.secretArn,
      consoleKeySecretArn: consoleKeySecret.secretArn,
      corsOrigins: config.corsOrigins,
      limits: { kvMaxKeys: config.kvMaxKeys, kvMaxBytes: config.kvMaxBytes, recordLookupsPerHour: config.recordLookupsPerHour },
    };
    for (const spec of functionSpecs(config.memorySize).values()) {
      this.functions.set(spec.entry, this.routeFunction(spec, functionEnvironment(spec, resources), config, table, appSecret, consoleKeySecret));
    }

    // ---- REST API ---------------------------------------------------------------------------
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${id}-api`,
      description: 'User-data platform API',
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
      reason: 'Every route but /health needs an API key; identity is a JWT verified in the function (algorithm, key, issuer, audience, expiry) together with its session in DynamoDB, which a gateway authorizer could not check without a second round trip.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Accounts live in this API (bcrypt passwords, rotating refresh tokens), not in Cognito; see APIG4.',
    });
    if (!config.waf) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: 'The per-address limit (WAF) was turned off in the context (-c waf=false); the usage plans, the stage throttle and the sign-in limits still apply.',
      });
    }

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated by each function with the zod schemas of the route table, which name every bad field (400 problem+json); a gateway validator would answer first with a generic 400, before authentication (shared/http/gateway-contract.ts).',
    });
    for (const [routeId, route] of Object.entries(routes) as [string, RouteDef][]) {
      this.api.root.resourceForPath(route.path).addMethod(route.method, new apigateway.LambdaIntegration(this.functions.get(route.entry)!), {
        apiKeyRequired: route.apiKey !== false,
        operationName: routeId,
      });
    }

    for (const [type, response] of Object.entries(gatewayResponses) as [GatewayResponseType, GatewayResponse][]) {
      const headers = gatewayResponseHeaders(type, config.corsOrigins);
      this.api.addGatewayResponse(type, {
        type: apigateway.ResponseType.of(type),
        ...(response.status !== undefined && { statusCode: String(response.status) }),
        // API Gateway's mapping syntax: a fixed value in single quotes, or a request header to copy.
        responseHeaders: Object.fromEntries(
          Object.entries(headers).map(([name, header]) => [name, 'value' in header ? `'${header.value}'` : `method.request.header.${header.fromRequestHeader}`]),
        ),
        templates: { 'application/json': JSON.stringify(response.body) },
      });
    }

    // ---- Usage plans and their API keys (gateway-contract.ts) --------------------------------
    const keyIn = (plan: apigateway.UsagePlan, id: string, secret: secretsmanager.ISecret, description: string) =>
      // The value is a {{resolve:secretsmanager}} reference, never the value itself.
      plan.addApiKey(new apigateway.ApiKey(this, id, { description, value: secret.secretValue.unsafeUnwrap() }));
    const stages = [{ api: this.api, stage: this.api.deploymentStage }];
    const clientsPlan = this.api.addUsagePlan('UsagePlan', {
      description: "API clients: 30 requests a second per key (seed 002) and a monthly quota",
      throttle: usagePlanThrottle,
      quota: { limit: config.monthlyQuota, period: apigateway.Period.MONTH },
      apiStages: stages,
    });
    keyIn(clientsPlan, 'ClientApiKey', apiKeySecret, 'API clients; its value is in the ApiKeySecret secret');
    const consolePlan = this.api.addUsagePlan('ConsoleUsagePlan', {
      description: 'The public console: no throttle or quota one visitor could spend for all; the per-address limit bounds each',
      apiStages: stages,
    });
    keyIn(consolePlan, 'ConsoleApiKey', consoleKeySecret, 'The web console; its value is in the ConsoleApiKeySecret secret');

    if (config.waf) this.addWaf(config.wafRateLimit);
    this.addMonitoring(config.alarmEmail, table);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API' });
    new CfnOutput(this, 'ApiKeySecretArn', {
      value: apiKeySecret.secretArn,
      description: 'Read the API key: aws secretsmanager get-secret-value --query SecretString --output text --secret-id <this>',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
  }

  private routeFunction(
    spec: FunctionSpec,
    environment: Record<string, string>,
    config: DeploymentConfig,
    table: dynamodb.Table,
    appSecret: secretsmanager.ISecret,
    consoleKeySecret: secretsmanager.ISecret,
  ): NodejsFunction {
    const { id } = spec;
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role with nothing but its own log group, then what its routes need.
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, `${id}Function`, {
      entry: resolve(ROOT, spec.entry),
      handler: 'handler',
      runtime: new lambda.Runtime(lambdaRuntime.name, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
      architecture: lambda.Architecture.custom(lambdaRuntime.architecture),
      memorySize: spec.memoryMB,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: ROOT,
      depsLockFilePath: resolve(ROOT, 'package-lock.json'),
      bundling: spec.staticFiles ? { ...bundling, commandHooks: copyStaticFiles } : bundling,
      // Secrets are read through AWS's Parameters and Secrets extension: no SDK client in the bundle.
      ...((spec.appSecret || spec.consoleApiKey) && {
        paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersionArn(paramsAndSecretsLayerArn(this), {
          cacheSize: 10,
          logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
        }),
      }),
      environment,
    });
    if (spec.consoleApiKey) consoleKeySecret.grantRead(fn);
    if (spec.data === 'read') table.grantReadData(fn);
    if (spec.data === 'write') table.grantReadWriteData(fn);
    if (spec.appSecret) appSecret.grantRead(fn);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.',
    });
    if (spec.data !== 'none') {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(table.node.defaultChild as dynamodb.CfnTable)}.Arn>/index/*]`,
        reason: "The indexes of this one table (the users list queries GSI1); DynamoDB index ARNs are addressed under the table's ARN.",
      });
    }
    return fn;
  }

  /**
   * The per-address limit (gateway-contract.ts). A block has no custom response: API Gateway answers
   * it with its WAF_FILTERED gateway response, a 429 problem+json. No managed rule group: the common
   * rule set blocks bodies over 8 KB and text such as `<script>` or `../` in a body, which a key-value
   * value may legitimately hold.
   */
  private addWaf(rateLimit: number) {
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'UserDataApiAcl', sampledRequestsEnabled: true },
      rules: [
        {
          name: 'RateLimitPerAddress',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, evaluationWindowSec: PER_ADDRESS_WINDOW_SECONDS, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RateLimitPerAddress', sampledRequestsEnabled: true },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: acl.attrArn });
  }

  private addMonitoring(alarmEmail: string | undefined, table: dynamodb.Table) {
    const key = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the alarm topic' });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'User-data API alarms' });
    if (alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    const alarm = (id: string, props: Omit<cloudwatch.AlarmProps, 'treatMissingData'>) => {
      const created = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
      created.addAlarmAction(new actions.SnsAction(topic));
      return created;
    };
    const atLeastOnce = { threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD };

    const period = Duration.minutes(5);
    const serverErrorRate = this.api.metricServerError({ statistic: 'Average', period });
    const latencyP99 = this.api.metricLatency({ statistic: 'p99', period });
    const alarms = [
      alarm('Api5xxRate', { metric: serverErrorRate, threshold: 0.01, evaluationPeriods: 2, alarmDescription: 'More than 1% of requests end in 5xx' }),
      alarm('ApiLatencyP99', { metric: latencyP99, threshold: 2000, evaluationPeriods: 3, alarmDescription: 'p99 latency above 2 s' }),
    ];
    // A sum of metrics that have data only in periods with an event: a sum with a missing term is
    // missing, so every term is FILL(m, 0). Alarms cost $0.10 a month per metric they read.
    const sumOf = (usingMetrics: Record<string, cloudwatch.IMetric>, label: string) =>
      new cloudwatch.MathExpression({ expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '), usingMetrics, label, period });

    // ThrottledRequests is per operation, and counts a BatchGetItem or BatchWriteItem only when every
    // item in it is throttled. Read/WriteThrottleEvents count each throttled read or write, whatever
    // the operation, on the table and (under their own dimension) on each index: 6 metrics, where
    // ThrottledRequests would take 7 (one per operation the code uses) and still miss a partly
    // throttled batch (AWS: DynamoDB "Metrics and dimensions"; CloudWatch's recommended alarms).
    const throttleEvents: Record<string, cloudwatch.IMetric> = {};
    for (const indexName of [undefined, ...tableDefinition.indexes.map((index) => index.indexName)]) {
      for (const kind of ['Read', 'Write']) {
        throttleEvents[`${kind.toLowerCase()}_${indexName?.toLowerCase() ?? 'table'}`] = table.metric(`${kind}ThrottleEvents`, {
          dimensionsMap: { TableName: table.tableName, ...(indexName && { GlobalSecondaryIndexName: indexName }) },
          statistic: 'Sum',
          period,
        });
      }
    }
    const dynamoThrottles = sumOf(throttleEvents, 'Throttled reads and writes (table and indexes)');
    alarms.push(alarm('DynamoThrottles', { metric: dynamoThrottles, ...atLeastOnce, alarmDescription: 'DynamoDB throttled a read or write on the table or an index' }));

    const fnWidgets: cloudwatch.IWidget[] = [];
    for (const [entry, fn] of this.functions) {
      const name = functionId(entry);
      // Lambda's Errors counts failed invocations only; a handled 500 (an unreadable secret, any
      // unexpected error) returns normally after logging one JSON line at level ERROR. A filter per
      // function counts those lines into the function's own error alarm, so the alarm names the
      // function: $0.10 a month more per function (the alarm's second metric). Without a default
      // value the filter publishes only when such a line is logged, and its custom metric ($0.30 a
      // month, prorated by the hour) bills only for those hours.
      const errorLogs = new logs.MetricFilter(this, `${name}ErrorLogs`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: this.stackName,
        metricName: `${name}ErrorLogs`,
        metricValue: '1',
      }).metric({ statistic: 'Sum', period });
      const errors = sumOf({ errors: fn.metricErrors({ period }), error_logs: errorLogs }, `${name}: errors and ERROR log lines`);
      alarms.push(alarm(`${name}Errors`, { metric: errors, ...atLeastOnce, alarmDescription: `${name}: a function error or an ERROR log line` }));
      alarms.push(alarm(`${name}Throttles`, { metric: fn.metricThrottles({ period }), ...atLeastOnce, alarmDescription: `${name}: function throttles` }));
      fnWidgets.push(new cloudwatch.GraphWidget({ title: name, left: [fn.metricErrors({ period }), errorLogs, fn.metricThrottles({ period })], right: [fn.metricDuration({ statistic: 'p99', period })], width: 8 }));
    }

    new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Requests and errors', left: [this.api.metricCount({ period })], right: [this.api.metricClientError({ period }), this.api.metricServerError({ period })], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Latency', left: [this.api.metricLatency({ statistic: 'p50', period }), latencyP99], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttled reads and writes', left: [dynamoThrottles], width: 12 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 12 }),
        ],
        fnWidgets,
      ],
    });
  }
}
