/** Fair use in the synthesized stack: the two usage plans with their keys, and the WAF's per-address limit. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { defined } from '../../tools/values.ts';
import { resourcesOf, synth } from '../support/stack.ts';

const template = synth();
const resources = (type: string) => resourcesOf(template, type);

describe('fair use', () => {
  it('meters the clients’ key in its usage plan (30 rps, burst 60, a monthly quota) and the console’s in a plan of its own, without either', () => {
    const plans = resources('AWS::ApiGateway::UsagePlan').map(([id, plan]) => ({ id, ...plan.Properties }));
    const keyOfPlan = (planId: string) =>
      defined(
        resources('AWS::ApiGateway::UsagePlanKey').find(([, k]) => k.Properties.UsagePlanId.Ref === planId),
        `the key of the usage plan ${planId}`,
      )[1].Properties.KeyId.Ref as string;
    const clients = defined(
      plans.find((p) => p.Throttle),
      'a usage plan with a throttle',
    );
    const console = defined(
      plans.find((p) => !p.Throttle),
      'a usage plan without a throttle',
    );
    expect(plans).toHaveLength(2);
    expect(clients.Throttle).toEqual({ RateLimit: usagePlanThrottle.rateLimit, BurstLimit: usagePlanThrottle.burstLimit });
    expect(clients.Quota).toEqual({ Limit: 1_000_000, Period: 'MONTH' });
    expect(console.Quota).toBeUndefined();
    template.root.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    expect(keyOfPlan(clients.id)).toMatch(/^ClientApiKey/);
    expect(keyOfPlan(console.id)).toMatch(/^ConsoleApiKey/);
  });

  it('takes each key’s value from its secret by dynamic reference, never as a literal', () => {
    for (const [id, key] of resources('AWS::ApiGateway::ApiKey')) {
      expect(JSON.stringify(key.Properties.Value), id).toContain('{{resolve:secretsmanager:');
    }
  });

  it('limits every source address with a WAF rate-based rule by default, and only that rule; waf=false removes it', () => {
    template.root.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [Match.objectLike({ Statement: { RateBasedStatement: { Limit: 600, EvaluationWindowSec: 60, AggregateKeyType: 'IP' } }, Action: { Block: {} } })],
    });
    template.root.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    synth({ wafRateLimit: 100 }).root.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 100 }) } })],
    });
    const withoutWaf = synth({ waf: false }); // cdk-nag's APIG3 is acknowledged only then
    expect(resourcesOf(withoutWaf, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resourcesOf(withoutWaf, 'AWS::WAFv2::WebACLAssociation')).toEqual([]);
  });
});
