/**
 * The whole stack: cdk-nag's AwsSolutions pack in the app, the outputs, and the cost counts in docs/operations.md
 * (counted in every stack, the nested ones included).
 * Each part of the stack has its own test file (data-store, route-functions, route-api, fair-use,
 * monitoring); tests/support/stack.ts synthesizes the stack for all of them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../tools/values.ts';
import { resourcesOf, synth } from '../support/stack.ts';

const template = synth();
const resources = (type: string) => resourcesOf(template, type);

describe('cdk-nag', () => {
  it('finds nothing unacknowledged, with and without the WAF', () => {
    expect(() => synth({ waf: false, alarmEmail: 'ops@example.com', corsOrigins: 'https://console.example.com' })).not.toThrow();
  });
});

describe('outputs', () => {
  it('outputs the URL, where the API key is, and the table name', () => {
    expect(Object.keys(template.root.findOutputs('*')).sort()).toEqual(expect.arrayContaining(['ApiKeySecretArn', 'ApiUrl', 'TableName']));
  });
});

describe('docs/operations.md', () => {
  it('states the cost-bearing counts of the synthesized template', () => {
    const operations = readFileSync(resolve(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const start = operations.indexOf('\n## Costs\n');
    expect(start).toBeGreaterThan(-1);
    const end = operations.indexOf('\n## ', start + 1);
    const costs = operations.slice(start, end === -1 ? undefined : end);
    const stated = (pattern: RegExp) => pattern.exec(costs)?.slice(1).map(Number);
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const webAcls = resources('AWS::WAFv2::WebACL');
    const wafRules = webAcls.reduce((n, [, acl]) => n + acl.Properties.Rules.length, 0);
    const alarmMetrics = alarms.reduce((n, a) => n + (a.MetricName ? 1 : a.Metrics.filter((m: Json) => m.MetricStat).length), 0);
    const customMetrics = new Set(
      resources('AWS::Logs::MetricFilter').flatMap(([, f]) => f.Properties.MetricTransformations.map((t: Json) => `${t.MetricNamespace}/${t.MetricName}`)),
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
      // The prices docs/operations.md states: $0.40 a secret, $1 a key, $0.10 an alarm metric, $3 a dashboard, $5 a web ACL and $1 a rule.
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
