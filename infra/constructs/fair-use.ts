/**
 * Fair use, as the gateway contract declares it (infra/gateway-contract.ts): two usage plans,
 * each with its API key, both throttled alike (the clients' plan also has the monthly quota, the
 * public console's has none), and a WAF web ACL on the stage (unless the context says `waf=false`)
 * with three rules: the per-address and per-session rate limits, and the body rule that refuses
 * bodies no route accepts before they reach Lambda.
 */
import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import { bodyTooLarge, bodyTooLargeHeaders, contentLengthRule, PER_ADDRESS_WINDOW_SECONDS, SESSION_HEADER, usagePlanThrottle } from '../gateway-contract.ts';

export interface FairUseProps {
  api: apigateway.RestApi;
  /** The values of the two keys (DataStore): the clients' and the console's. */
  apiKeySecret: secretsmanager.ISecret;
  consoleKeySecret: secretsmanager.ISecret;
  config: Pick<DeploymentConfig, 'monthlyQuota' | 'waf' | 'wafRateLimit' | 'wafSessionRateLimit' | 'corsOrigins'>;
}

export class FairUse {
  /** Creates its resources in `scope`, the stack (see infra/stack.ts); the usage plans are the API's. */
  constructor(scope: Construct, { api, apiKeySecret, consoleKeySecret, config }: FairUseProps) {
    const keyIn = (plan: apigateway.UsagePlan, id: string, secret: secretsmanager.ISecret, description: string) =>
      // The value is a {{resolve:secretsmanager}} reference, never the value itself.
      plan.addApiKey(new apigateway.ApiKey(scope, id, { description, value: secret.secretValue.unsafeUnwrap() }));
    const stages = [{ api, stage: api.deploymentStage }];
    const clientsPlan = api.addUsagePlan('UsagePlan', {
      description: 'API clients: 30 requests a second per key (seed 002) and a monthly quota',
      throttle: usagePlanThrottle,
      quota: { limit: config.monthlyQuota, period: apigateway.Period.MONTH },
      apiStages: stages,
    });
    keyIn(clientsPlan, 'ClientApiKey', apiKeySecret, 'API clients; its value is in the ApiKeySecret secret');
    const consolePlan = api.addUsagePlan('ConsoleUsagePlan', {
      description: 'The public console: throttled as API clients are; no monthly quota, which any visitor could spend for all',
      throttle: usagePlanThrottle,
      apiStages: stages,
    });
    keyIn(consolePlan, 'ConsoleApiKey', consoleKeySecret, 'The web console; its value is in the ConsoleApiKeySecret secret');

    if (!config.waf) {
      Validations.of(api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'The WAF (per-address and per-session limits, body rule) was turned off in the context (-c waf=false); the usage plans, the stage throttle and the sign-in limits still apply.',
      });
      return;
    }
    // The rate limits block with no custom response: API Gateway answers them with its WAF_FILTERED
    // gateway response, a 429 problem+json. The body rule answers itself (a 413), since a gateway
    // response cannot tell one rule from another. No managed rule group: the common rule set blocks
    // bodies over 8 KB and text such as `<script>` or `../` in a body, which a key-value value may
    // legitimately hold.
    const none = [{ priority: 0, type: 'NONE' }];
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('UserDataApiAcl'),
      customResponseBodies: { BodyTooLarge: { contentType: 'APPLICATION_JSON', content: JSON.stringify(bodyTooLarge.body) } },
      rules: [
        {
          name: 'RateLimitPerAddress',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: config.wafRateLimit, evaluationWindowSec: PER_ADDRESS_WINDOW_SECONDS, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerAddress'),
        },
        {
          name: 'RateLimitPerSession',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: config.wafSessionRateLimit,
              evaluationWindowSec: PER_ADDRESS_WINDOW_SECONDS,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: SESSION_HEADER, textTransformations: none } }],
              // Only requests that carry the header are counted (WAF would skip the others anyway).
              scopeDownStatement: {
                sizeConstraintStatement: {
                  fieldToMatch: { singleHeader: { Name: SESSION_HEADER } },
                  comparisonOperator: 'GT',
                  size: 0,
                  textTransformations: none,
                },
              },
            },
          },
          visibilityConfig: visibility('RateLimitPerSession'),
        },
        {
          name: 'BodyTooLarge',
          priority: 2,
          action: {
            block: {
              customResponse: {
                responseCode: bodyTooLarge.status,
                customResponseBodyKey: 'BodyTooLarge',
                responseHeaders: Object.entries(bodyTooLargeHeaders(config.corsOrigins)).map(([name, value]) => ({ name, value })),
              },
            },
          },
          // A body (beyond WAF's inspection size, oversize counts as one) whose Content-Length is missing or over the limit.
          statement: {
            andStatement: {
              statements: [
                {
                  sizeConstraintStatement: {
                    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
                    comparisonOperator: 'GT',
                    size: 0,
                    textTransformations: none,
                  },
                },
                {
                  notStatement: {
                    statement: {
                      regexMatchStatement: {
                        fieldToMatch: { singleHeader: { Name: 'content-length' } },
                        regexString: contentLengthRule.pattern,
                        textTransformations: none,
                      },
                    },
                  },
                },
              ],
            },
          },
          visibilityConfig: visibility('BodyTooLarge'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: api.deploymentStage.stageArn, webAclArn: acl.attrArn });
  }
}
