/**
 * Alarms into an SNS topic (KMS-encrypted, TLS-only; an email subscription with `alarmEmail`) and one
 * dashboard: the API's 5xx rate and p99 latency, each function's errors, ERROR log lines and
 * throttles (one alarm per function, in the function's own nested stack), and throttled reads and
 * writes on the table and its indexes.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { table as tableDefinition } from '../../shared/db/table.ts';
import { functionId } from '../functions.ts';

export interface MonitoringProps {
  api: apigateway.RestApi;
  /** The functions by handler entry (RouteFunctions.byEntry), each with its log group. */
  functions: ReadonlyMap<string, lambda.Function>;
  table: dynamodb.ITable;
  alarmEmail?: string;
}

export class Monitoring {
  /** Creates its resources in `scope`, the stack (see infra/stack.ts), and each function's filter and alarm in the function's stack. */
  constructor(scope: Construct, { api, functions, table, alarmEmail }: MonitoringProps) {
    const key = new kms.Key(scope, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the alarm topic' });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new sns.Topic(scope, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'User-data API alarms' });
    if (alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    const alarm = (where: Construct, id: string, props: Omit<cloudwatch.AlarmProps, 'treatMissingData'>) => {
      const created = new cloudwatch.Alarm(where, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
      created.addAlarmAction(new actions.SnsAction(topic));
      return created;
    };
    const atLeastOnce = { threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD };

    const period = Duration.minutes(5);
    const serverErrorRate = api.metricServerError({ statistic: 'Average', period });
    const latencyP99 = api.metricLatency({ statistic: 'p99', period });
    const alarms = [
      alarm(scope, 'Api5xxRate', { metric: serverErrorRate, threshold: 0.01, evaluationPeriods: 2, alarmDescription: 'More than 1% of requests end in 5xx' }),
      alarm(scope, 'ApiLatencyP99', { metric: latencyP99, threshold: 2000, evaluationPeriods: 3, alarmDescription: 'p99 latency above 2 s' }),
    ];
    // A sum of metrics that have data only in periods with an event: a sum with a missing term is
    // missing, so every term is FILL(m, 0). Alarms cost $0.10 a month per metric they read.
    const sumOf = (usingMetrics: Record<string, cloudwatch.IMetric>, label: string) =>
      new cloudwatch.MathExpression({
        expression: Object.keys(usingMetrics)
          .map((id) => `FILL(${id}, 0)`)
          .join(' + '),
        usingMetrics,
        label,
        period,
      });

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
    alarms.push(
      alarm(scope, 'DynamoThrottles', {
        metric: dynamoThrottles,
        ...atLeastOnce,
        alarmDescription: 'DynamoDB throttled a read or write on the table or an index',
      }),
    );

    const fnWidgets: cloudwatch.IWidget[] = [];
    for (const [entry, fn] of functions) {
      const name = functionId(entry);
      const beside = Stack.of(fn); // the function's nested stack: its alarm grows that stack, not this one
      // Lambda's Errors counts failed invocations only; a handled 500 (an unreadable secret, any
      // unexpected error) returns normally after logging one JSON line at level ERROR. A filter per
      // function counts those lines into the function's alarm, so the alarm names the function.
      // Without a default value the filter publishes only when such a line is logged, and its custom
      // metric ($0.30 a month, prorated by the hour) bills only for those hours.
      const errorLogs = new logs.MetricFilter(beside, `${name}ErrorLogs`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: Stack.of(scope).stackName,
        metricName: `${name}ErrorLogs`,
        metricValue: '1',
      }).metric({ statistic: 'Sum', period });
      // One alarm per function reads all three metrics (one resource, not two; billed per metric read either way).
      const failures = sumOf(
        { errors: fn.metricErrors({ period }), error_logs: errorLogs, throttles: fn.metricThrottles({ period }) },
        `${name}: errors, ERROR log lines and throttles`,
      );
      alarms.push(
        alarm(beside, `${name}Alarm`, { metric: failures, ...atLeastOnce, alarmDescription: `${name}: a function error, an ERROR log line or a throttle` }),
      );
      fnWidgets.push(
        new cloudwatch.GraphWidget({
          title: name,
          left: [fn.metricErrors({ period }), errorLogs, fn.metricThrottles({ period })],
          right: [fn.metricDuration({ statistic: 'p99', period })],
          width: 8,
        }),
      );
    }

    new cloudwatch.Dashboard(scope, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Requests and errors',
            left: [api.metricCount({ period })],
            right: [api.metricClientError({ period }), api.metricServerError({ period })],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Latency', left: [api.metricLatency({ statistic: 'p50', period }), latencyP99], width: 12 }),
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
