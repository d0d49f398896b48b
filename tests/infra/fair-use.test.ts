/** Fair use in the synthesized stack: the two usage plans with their keys, and the WAF's rules. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyTooLarge, contentLengthRule, LAMBDA_MAX_REQUEST_BYTES, LARGEST_ROUTE_BODY_BYTES, usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { SECURITY_HEADERS } from '../../shared/http/security-headers.ts';
import { defined, type Json } from '../../tools/values.ts';
import { resourcesOf, synth } from '../support/stack.ts';

const template = synth();
const resources = (type: string) => resourcesOf(template, type);

describe('fair use', () => {
  it('throttles both keys alike in their usage plans (30 rps, burst 60); only the clients’ plan has a monthly quota', () => {
    const plans = resources('AWS::ApiGateway::UsagePlan').map(([id, plan]) => ({ id, ...plan.Properties }));
    const planOfKey = (keyPrefix: string) => {
      const [, link] = defined(
        resources('AWS::ApiGateway::UsagePlanKey').find(([, k]) => k.Properties.KeyId.Ref.startsWith(keyPrefix)),
        `the usage plan key of ${keyPrefix}`,
      );
      return defined(
        plans.find((p) => p.id === link.Properties.UsagePlanId.Ref),
        `the usage plan of ${keyPrefix}`,
      );
    };
    expect(plans).toHaveLength(2);
    template.root.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    const clients = planOfKey('ClientApiKey');
    const console = planOfKey('ConsoleApiKey');
    expect(clients.id).not.toBe(console.id);
    for (const plan of [clients, console]) expect(plan.Throttle).toEqual({ RateLimit: usagePlanThrottle.rateLimit, BurstLimit: usagePlanThrottle.burstLimit });
    expect(clients.Quota).toEqual({ Limit: 1_000_000, Period: 'MONTH' });
    expect(console.Quota).toBeUndefined(); // a quota on the public key would be a budget any visitor could spend for every console user
  });

  it('takes each key’s value from its secret by dynamic reference, never as a literal', () => {
    for (const [id, key] of resources('AWS::ApiGateway::ApiKey')) {
      expect(JSON.stringify(key.Properties.Value), id).toContain('{{resolve:secretsmanager:');
    }
  });

  const none = [{ Priority: 0, Type: 'NONE' }];
  const rulesOf = (t: typeof template) => defined(resourcesOf(t, 'AWS::WAFv2::WebACL')[0], 'a web ACL')[1].Properties.Rules as Json[];

  it('limits every source address and every session with WAF rate-based rules, and refuses bodies no route accepts; waf=false removes them', () => {
    template.root.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const [perAddress, perSession, body] = rulesOf(template);
    expect(rulesOf(template)).toHaveLength(3);
    expect(perAddress).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 600, EvaluationWindowSec: 60, AggregateKeyType: 'IP' } },
    });
    // Keyed on the Authorization header's value (the session's token), counting only requests that carry one.
    expect(perSession).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: 300,
          EvaluationWindowSec: 60,
          AggregateKeyType: 'CUSTOM_KEYS',
          CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: none } }],
          ScopeDownStatement: {
            SizeConstraintStatement: {
              FieldToMatch: { SingleHeader: { Name: 'authorization' } },
              ComparisonOperator: 'GT',
              Size: 0,
              TextTransformations: none,
            },
          },
        },
      },
    });
    // A body whose Content-Length does not declare at most the rule's limit, answered with the rule's own 413.
    expect(body.Statement).toEqual({
      AndStatement: {
        Statements: [
          { SizeConstraintStatement: { FieldToMatch: { Body: { OversizeHandling: 'MATCH' } }, ComparisonOperator: 'GT', Size: 0, TextTransformations: none } },
          {
            NotStatement: {
              Statement: {
                RegexMatchStatement: {
                  FieldToMatch: { SingleHeader: { Name: 'content-length' } },
                  RegexString: contentLengthRule.pattern,
                  TextTransformations: none,
                },
              },
            },
          },
        ],
      },
    });
    expect(body.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 413, CustomResponseBodyKey: 'BodyTooLarge' });
    template.root.hasResourceProperties('AWS::WAFv2::WebACL', {
      CustomResponseBodies: { BodyTooLarge: { ContentType: 'APPLICATION_JSON', Content: JSON.stringify(bodyTooLarge.body) } },
    });
    template.root.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);

    const [address, session] = rulesOf(synth({ wafRateLimit: 100, wafSessionRateLimit: 50 }));
    expect([address?.Statement.RateBasedStatement.Limit, session?.Statement.RateBasedStatement.Limit]).toEqual([100, 50]);
    const withoutWaf = synth({ waf: false }); // cdk-nag's APIG3 is acknowledged only then
    expect(resourcesOf(withoutWaf, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resourcesOf(withoutWaf, 'AWS::WAFv2::WebACLAssociation')).toEqual([]);
  });

  it('accepts with its pattern exactly the Content-Lengths up to its limit, which is above every route’s body limit', () => {
    const accepts = (n: number) => new RegExp(contentLengthRule.pattern).test(String(n));
    expect(contentLengthRule.maxBytes).toBeGreaterThanOrEqual(LARGEST_ROUTE_BODY_BYTES);
    expect(contentLengthRule.maxBytes).toBeLessThan(LAMBDA_MAX_REQUEST_BYTES / 6 - 100_000); // room for the head, each body byte escaped to six in the event
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat(2 * contentLengthRule.maxBytes),
          fc.nat(contentLengthRule.maxBytes + 10).filter((n) => n >= contentLengthRule.maxBytes - 10),
        ),
        (n) => {
          expect(accepts(n), String(n)).toBe(n <= contentLengthRule.maxBytes);
        },
      ),
      { numRuns: 2000 },
    );
    for (const text of ['', '-1', '1e6', '0x10', ' 1', '1 ']) expect(new RegExp(contentLengthRule.pattern).test(text), text).toBe(false);
  });

  it('lets a single allowed origin read the body rule’s 413, with the security headers', () => {
    const headersOf = (t: typeof template) =>
      Object.fromEntries((defined(rulesOf(t)[2], 'the body rule').Action.Block.CustomResponse.ResponseHeaders as Json[]).map((h) => [h.Name, h.Value]));
    expect(headersOf(template)).toEqual(SECURITY_HEADERS);
    expect(headersOf(synth({ corsOrigins: 'https://console.example.com' }))).toMatchObject({
      ...SECURITY_HEADERS,
      'access-control-allow-origin': 'https://console.example.com',
    });
  });
});
