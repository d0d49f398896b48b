/**
 * Which region the deployment is for, as the CDK CLI finds it: `AWS_REGION` (or `AMAZON_REGION`,
 * `AWS_DEFAULT_REGION`, `AMAZON_DEFAULT_REGION`) in the environment, else the `region` of the profile
 * in use (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, else `default`) in ~/.aws/credentials or ~/.aws/config,
 * else the default profile's. When none names one, the CLI tells the app `us-east-1` all the same
 * (aws-cdk's SdkProvider.region, "defaulting to 'us-east-1'" at debug level only), which would
 * deploy there with us-east-1's extension layer without a word; the app refuses instead.
 *
 * Not followed: a `--profile` given on the command line (the app cannot see it) and EC2's instance
 * metadata; with either, say the region in the environment.
 */
import { loadSharedConfigFiles } from '@smithy/core/config';

export const NO_REGION =
  'No AWS region is set, and the CDK would deploy to us-east-1 without saying so. Name one: AWS_REGION=eu-west-1 npx cdk synth (or a region in your AWS profile).';

export async function configuredRegion(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const fromEnv = env.AWS_REGION || env.AMAZON_REGION || env.AWS_DEFAULT_REGION || env.AMAZON_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const { credentialsFile, configFile } = await loadSharedConfigFiles({
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
    configFilepath: env.AWS_CONFIG_FILE,
    ignoreCache: true,
  });
  return credentialsFile[profile]?.region ?? configFile[profile]?.region ?? credentialsFile.default?.region ?? configFile.default?.region ?? undefined;
}
