/**
 * `npm run deploy` runs this before CDK bundles anything (which takes minutes): a region, credentials
 * that AWS accepts, and an environment bootstrapped for the CDK. Each missing one is one sentence that
 * says what to run, instead of CDK's "Unable to resolve AWS account" after the bundling.
 */
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { configuredRegion } from '../infra/region.ts';

/** Where `cdk bootstrap` records its version (the default qualifier), as the CDK CLI checks it. */
const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';
const TIMEOUT_MS = 10_000;

export async function deployProblem(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const region = await configuredRegion(env);
  if (!region)
    return 'No AWS region is set: name the one to deploy to, e.g. export AWS_REGION=eu-west-1 (or set a region in your AWS profile), then npm run deploy.';
  const options = { region, maxAttempts: 1, requestHandler: { requestTimeout: TIMEOUT_MS, connectionTimeout: TIMEOUT_MS } };
  let account: string | undefined;
  try {
    ({ Account: account } = await new STSClient(options).send(new GetCallerIdentityCommand({})));
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'CredentialsProviderError' || /credential/i.test(message))
      return 'No AWS credentials are set up in this shell: run aws configure (or aws sso login and export AWS_PROFILE=<your profile>), then npm run deploy.';
    if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|timeout|socket/i.test(`${name} ${message}`))
      return `AWS could not be reached in ${region} (${message}): check the network and the region, then npm run deploy.`;
    return `AWS refused these credentials (${name}): renew them (aws sso login, or aws configure), then npm run deploy.`;
  }
  try {
    await new SSMClient(options).send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }));
  } catch (error) {
    if (error instanceof ParameterNotFound)
      return `Account ${account} is not bootstrapped for the CDK in ${region}: run npx cdk bootstrap aws://${account}/${region} once, then npm run deploy.`;
    // Without ssm:GetParameter the CDK itself will say whether the environment is bootstrapped.
  }
  console.error(`Deploying to account ${account} in ${region}.`);
  return undefined;
}

if (import.meta.main) {
  const problem = await deployProblem();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
