import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserDataStack } from '../infra/stack.ts';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const t = Template.fromStack(new UserDataStack(app, 'T')).toJSON().Resources as Record<string, any>;
const of = (type: string) => Object.values(t).filter((r: any) => r.Type === type) as any[];
const alarms = of('AWS::CloudWatch::Alarm').map((a) => a.Properties);
const metrics = alarms.reduce((n, a) => n + (a.MetricName ? 1 : a.Metrics.filter((m: any) => m.MetricStat).length), 0);
console.log({ secrets: of('AWS::SecretsManager::Secret').length, kms: of('AWS::KMS::Key').length, alarms: alarms.length, metrics, filters: of('AWS::Logs::MetricFilter').length, acl: of('AWS::WAFv2::WebACL').length });
