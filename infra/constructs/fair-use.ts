/**
 * Fair use, as the gateway contract declares it (infra/gateway-contract.ts): two usage plans,
 * each with its API key (the clients' key throttled and with the monthly quota, the public console's
 * key with neither), and the per-address limit, a WAF web ACL with one rate-based rule on the stage
 * (unless the context says `waf=false`).
 */
import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import { PER_ADDRESS_WINDOW_SECONDS, usagePlanThrottle } from '../gateway-contract.ts';

export interface FairUseProps {
  api: apigateway.RestApi;
  /** The values of the two keys (DataStore): the clients' and the console's. */
  apiKeySecret: secretsmanager.ISecret;
  consoleKeySecret: secretsmanager.ISecret;
  config: Pick<DeploymentConfig, 'monthlyQuota' | 'waf' | 'wafRateLimit'>;
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
      description: 'The public console: no throttle or quota one visitor could spend for all; the per-address limit bounds each',
      apiStages: stages,
    });
    keyIn(consolePlan, 'ConsoleApiKey', consoleKeySecret, 'The web console; its value is in the ConsoleApiKeySecret secret');

    if (!config.waf) {
      Validations.of(api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'The per-address limit (WAF) was turned off in the context (-c waf=false); the usage plans, the stage throttle and the sign-in limits still apply.',
      });
      return;
    }
    // A block has no custom response: API Gateway answers it with its WAF_FILTERED gateway response,
    // a 429 problem+json. No managed rule group: the common rule set blocks bodies over 8 KB and text
    // such as `<script>` or `../` in a body, which a key-value value may legitimately hold.
    const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'UserDataApiAcl', sampledRequestsEnabled: true },
      rules: [
        {
          name: 'RateLimitPerAddress',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: config.wafRateLimit, evaluationWindowSec: PER_ADDRESS_WINDOW_SECONDS, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RateLimitPerAddress', sampledRequestsEnabled: true },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: api.deploymentStage.stageArn, webAclArn: acl.attrArn });
  }
}
