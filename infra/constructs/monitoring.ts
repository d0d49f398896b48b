/**
 * Alarms into an SNS topic (KMS-encrypted, TLS-only; an email subscription with `alarmEmail`) and one
 * dashboard: the API's 5xx rate and p99 latency, each function's errors (ERROR log lines included) and
 * throttles, and throttled reads and writes on the table and its indexes.
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
  /** Creates its resources in `scope`, the stack (see infra/stack.ts). */
  constructor(scope: Construct, { api, functions, table, alarmEmail }: MonitoringProps) {
    const key = new kms.Key(scope, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the alarm topic' });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new sns.Topic(scope, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'User-data API alarms' });
    if (alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    const alarm = (id: string, props: Omit<cloudwatch.AlarmProps, 'treatMissingData'>) => {
      const created = new cloudwatch.Alarm(scope, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
      created.addAlarmAction(new actions.SnsAction(topic));
      return created;
    };
    const atLeastOnce = { threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD };

    const period = Duration.minutes(5);
    const serverErrorRate = api.metricServerError({ statistic: 'Average', period });
    const latencyP99 = api.metricLatency({ statistic: 'p99', period });
    const alarms = [
      alarm('Api5xxRate', { metric: serverErrorRate, threshold: 0.01, evaluationPeriods: 2, alarmDescription: 'More than 1% of requests end in 5xx' }),
      alarm('ApiLatencyP99', { metric: latencyP99, threshold: 2000, evaluationPeriods: 3, alarmDescription: 'p99 latency above 2 s' }),
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
      alarm('DynamoThrottles', { metric: dynamoThrottles, ...atLeastOnce, alarmDescription: 'DynamoDB throttled a read or write on the table or an index' }),
    );

    const fnWidgets: cloudwatch.IWidget[] = [];
    for (const [entry, fn] of functions) {
      const name = functionId(entry);
      // Lambda's Errors counts failed invocations only; a handled 500 (an unreadable secret, any
      // unexpected error) returns normally after logging one JSON line at level ERROR. A filter per
      // function counts those lines into the function's own error alarm, so the alarm names the
      // function: $0.10 a month more per function (the alarm's second metric). Without a default
      // value the filter publishes only when such a line is logged, and its custom metric ($0.30 a
      // month, prorated by the hour) bills only for those hours.
      const errorLogs = new logs.MetricFilter(scope, `${name}ErrorLogs`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: Stack.of(scope).stackName,
        metricName: `${name}ErrorLogs`,
        metricValue: '1',
      }).metric({ statistic: 'Sum', period });
      const errors = sumOf({ errors: fn.metricErrors({ period }), error_logs: errorLogs }, `${name}: errors and ERROR log lines`);
      alarms.push(alarm(`${name}Errors`, { metric: errors, ...atLeastOnce, alarmDescription: `${name}: a function error or an ERROR log line` }));
      alarms.push(alarm(`${name}Throttles`, { metric: fn.metricThrottles({ period }), ...atLeastOnce, alarmDescription: `${name}: function throttles` }));
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
