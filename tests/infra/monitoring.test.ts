/** Monitoring in the synthesized stack: the alarms, what each reads, the topic and the dashboard (each function's alarm in its nested stack). */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it, vi } from 'vitest';
import { functionSpecs } from '../../infra/functions.ts';
import { table as tableDefinition } from '../../shared/db/table.ts';
import { logger } from '../../shared/http/log.ts';
import { defined, type Json } from '../../tools/values.ts';
import { resourcesOf, synth } from '../support/stack.ts';

const template = synth();
const resources = (type: string) => resourcesOf(template, type);

describe('monitoring', () => {
  const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const metricsOf = (alarm: Json): Json[] => alarm.Metrics?.filter((m: Json) => m.MetricStat).map((m: Json) => ({ id: m.Id, ...m.MetricStat.Metric })) ?? [];
  const expressionOf = (alarm: Json): string => alarm.Metrics?.find((m: Json) => m.Expression)?.Expression ?? '';
  /** Every metric of the alarm's expression is summed with FILL(…, 0): a period where one has no data still sums. */
  const sumsFilledMetrics = (alarm: Json) =>
    expect(expressionOf(alarm).split(' + ').sort()).toEqual(
      metricsOf(alarm)
        .map((m) => `FILL(${m.id}, 0)`)
        .sort(),
    );

  it('alarms on 5xx rate, latency, each function, and DynamoDB throttles, into an encrypted topic', () => {
    const functions = functionSpecs().size;
    expect(alarms).toHaveLength(3 + functions);
    expect(alarms.filter((a) => a.MetricName === '5XXError' && a.Statistic === 'Average' && a.Threshold === 0.01)).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'Latency' && a.ExtendedStatistic === 'p99')).toHaveLength(1);
    // The topic by reference in the parent, by the parameter that carries it in a nested stack.
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^(AlarmTopic|referencetoTestAlarmTopic)/) }]);
    template.root.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    expect(resources('AWS::SNS::Subscription')).toEqual([]);
    synth({ alarmEmail: 'ops@example.com' }).root.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.root.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("alarms on any throttled read or write of the table or an index, whatever the operation (BatchGetItem's too)", () => {
    const dynamo = alarms.filter((a) => metricsOf(a).some((m) => m.Namespace === 'AWS/DynamoDB'));
    expect(dynamo).toHaveLength(1);
    const watched = metricsOf(dynamo[0]).map((m) => {
      const dimensions = Object.fromEntries(m.Dimensions.map((d: Json) => [d.Name, d.Value]));
      expect(dimensions.TableName).toEqual({ Ref: expect.stringMatching(/^Table/) });
      return `${m.MetricName} ${dimensions.GlobalSecondaryIndexName ?? 'table'}`;
    });
    const parts = ['table', ...tableDefinition.indexes.map((index) => index.indexName)];
    expect(watched.sort()).toEqual(parts.flatMap((part) => [`ReadThrottleEvents ${part}`, `WriteThrottleEvents ${part}`]).sort());
    sumsFilledMetrics(dynamo[0]);
    expect(dynamo[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  it("alarms once on each function's errors, throttles and every ERROR line it logs (a handled 500 is no Lambda error)", () => {
    const filters = resources('AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    // The line shared/http/log.ts writes for an unreadable secret or any unexpected error.
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    logger.error('unhandled error', new Error('boom'));
    const line = JSON.parse(String(defined(write.mock.calls[0], 'a line written by logger.error')[0]));
    write.mockRestore();
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const name = id.replace(/Function[0-9A-F]{8}$/, '');
      const logGroup = fn.Properties.LoggingConfig.LogGroup.Ref;
      const [filter] = filters.filter((f) => f.LogGroupName.Ref === logGroup);
      const [, field, value] = defined(/^\{ \$\.(\w+) = "(\w+)" \}$/.exec(filter.FilterPattern), `a field = value filter pattern for ${name}`);
      expect(line[defined(field, 'the filtered field')], name).toBe(value);
      const [transform] = filter.MetricTransformations;
      expect(transform, name).toEqual({ MetricNamespace: 'Test', MetricName: `${name}ErrorLogs`, MetricValue: '1' }); // no DefaultValue: data only when an error is logged

      const fnAlarms = alarms.filter((a) => metricsOf(a).some((m) => m.Dimensions?.[0]?.Value.Ref === id));
      expect(fnAlarms, name).toHaveLength(1);
      const [fnAlarm] = fnAlarms;
      expect(
        metricsOf(fnAlarm)
          .map(({ Namespace, MetricName, Dimensions }) => `${Namespace} ${MetricName} ${Dimensions?.[0]?.Value.Ref ?? ''}`.trim())
          .sort(),
      ).toEqual([`AWS/Lambda Errors ${id}`, `AWS/Lambda Throttles ${id}`, `Test ${name}ErrorLogs`]);
      sumsFilledMetrics(fnAlarm);
      expect(fnAlarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });
});
