/**
 * The AWS Parameters and Secrets Lambda Extension layer, by region, for the functions' architecture.
 *
 * Source: AWS Systems Manager User Guide, "Using Parameter Store parameters in AWS Lambda functions",
 * section "AWS Parameters and Secrets Lambda Extension ARNs", table "Extension ARNs for ARM64"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html),
 * "Last updated: July 28, 2026" (the newest copy of the page to be had here on 2026-11-23): every
 * region it lists, at the version it lists. That is 38 regions for arm64 (x86_64 also has
 * eusc-de-east-1). CDK's own table (aws-cdk-lib region-info, extension 1.0.103) has 21 of them, so
 * `cdk synth` failed in eu-central-2, eu-south-2 and the other newer regions. To update: replace the
 * ARNs with the page's current ones, and the date above.
 */
import { Aws, CfnMapping, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { lambdaRuntime } from './runtime.ts';

const TABLE_FILE = 'infra/params-and-secrets-layers.ts';

export const paramsAndSecretsLayers: Record<typeof lambdaRuntime.architecture, Record<string, string>> = {
  arm64: {
    'us-east-2': 'arn:aws:lambda:us-east-2:590474943231:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:109',
    'us-east-1': 'arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99',
    'us-west-1': 'arn:aws:lambda:us-west-1:997803712105:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:93',
    'us-west-2': 'arn:aws:lambda:us-west-2:345057560386:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99',
    'af-south-1': 'arn:aws:lambda:af-south-1:317013901791:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:97',
    'ap-east-1': 'arn:aws:lambda:ap-east-1:768336418462:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:94',
    'ap-east-2': 'arn:aws:lambda:ap-east-2:890742577149:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:65',
    'ap-south-2': 'arn:aws:lambda:ap-south-2:070087711984:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83',
    'ap-southeast-3': 'arn:aws:lambda:ap-southeast-3:490737872127:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:91',
    'ap-southeast-4': 'arn:aws:lambda:ap-southeast-4:090732460067:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83',
    'ap-southeast-5': 'arn:aws:lambda:ap-southeast-5:381492012281:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83',
    'ap-southeast-6': 'arn:aws:lambda:ap-southeast-6:995508174458:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:76',
    'ap-south-1': 'arn:aws:lambda:ap-south-1:176022468876:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:95',
    'ap-northeast-3': 'arn:aws:lambda:ap-northeast-3:576959938190:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:91',
    'ap-northeast-2': 'arn:aws:lambda:ap-northeast-2:738900069198:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:96',
    'ap-southeast-1': 'arn:aws:lambda:ap-southeast-1:044395824272:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:101',
    'ap-southeast-2': 'arn:aws:lambda:ap-southeast-2:665172237481:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:105',
    'ap-southeast-7': 'arn:aws:lambda:ap-southeast-7:941377119484:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83',
    'ap-northeast-1': 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100',
    'ca-central-1': 'arn:aws:lambda:ca-central-1:200266452380:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:104',
    'ca-west-1': 'arn:aws:lambda:ca-west-1:243964427225:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:70',
    'cn-north-1': 'arn:aws-cn:lambda:cn-north-1:287114880934:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:89',
    'cn-northwest-1': 'arn:aws-cn:lambda:cn-northwest-1:287310001119:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83',
    'eu-central-1': 'arn:aws:lambda:eu-central-1:187925254637:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:101',
    'eu-west-1': 'arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:101',
    'eu-west-2': 'arn:aws:lambda:eu-west-2:133256977650:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99',
    'eu-south-1': 'arn:aws:lambda:eu-south-1:325218067255:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:92',
    'eu-west-3': 'arn:aws:lambda:eu-west-3:780235371811:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:95',
    'eu-south-2': 'arn:aws:lambda:eu-south-2:524103009944:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:82',
    'eu-north-1': 'arn:aws:lambda:eu-north-1:427196147048:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:92',
    'il-central-1': 'arn:aws:lambda:il-central-1:148806536434:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:70',
    'eu-central-2': 'arn:aws:lambda:eu-central-2:772501565639:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:70',
    'mx-central-1': 'arn:aws:lambda:mx-central-1:241533131596:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:67',
    'me-south-1': 'arn:aws:lambda:me-south-1:832021897121:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:55',
    'me-central-1': 'arn:aws:lambda:me-central-1:858974508948:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:49',
    'sa-east-1': 'arn:aws:lambda:sa-east-1:933737806257:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100',
    'us-gov-east-1': 'arn:aws-us-gov:lambda:us-gov-east-1:129776340158:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:84',
    'us-gov-west-1': 'arn:aws-us-gov:lambda:us-gov-west-1:127562683043:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:87',
  },
};

/**
 * The layer's ARN for the stack's region. A known region gets its ARN, or synth stops naming the
 * region. An env-agnostic stack (no region at synth) looks the ARN up at deploy time in a mapping
 * (one in each stack that needs it: a nested stack cannot read its parent's); a rule in the
 * top-level stack makes CloudFormation refuse, before creating anything, a region the mapping lacks.
 */
export function paramsAndSecretsLayerArn(scope: Construct): string {
  const stack = Stack.of(scope);
  const { architecture } = lambdaRuntime;
  const layers = paramsAndSecretsLayers[architecture];
  const missing = (region: string) =>
    `No Parameters and Secrets extension layer for ${architecture} in ${region}: AWS publishes none there, or ${TABLE_FILE} predates it.`;
  if (!Token.isUnresolved(stack.region)) {
    const arn = layers[stack.region];
    if (!arn) throw new Error(missing(`region ${stack.region}`));
    return arn;
  }
  let mapping = stack.node.tryFindChild('ParamsAndSecretsLayer') as CfnMapping | undefined;
  if (!mapping) {
    mapping = new CfnMapping(stack, 'ParamsAndSecretsLayer', {
      mapping: Object.fromEntries(Object.entries(layers).map(([region, arn]) => [region, { arn }])),
    });
  }
  let top = stack;
  while (top.nestedStackParent) top = top.nestedStackParent;
  if (!top.node.tryFindChild('ParamsAndSecretsLayerRegion')) {
    new CfnRule(top, 'ParamsAndSecretsLayerRegion', {
      assertions: [{ assert: Fn.conditionContains(Object.keys(layers), Aws.REGION), assertDescription: missing('this region') }],
    });
  }
  return mapping.findInMap(Aws.REGION, 'arn');
}
