#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configuredRegion, NO_REGION } from './region.ts';
import { UserDataStack } from './stack.ts';

// The CLI passes its region in CDK_DEFAULT_REGION, us-east-1 when none is configured: only a configured one is taken.
if (!(await configuredRegion()) || !process.env.CDK_DEFAULT_REGION) {
  console.error(NO_REGION);
  process.exit(1);
}
const app = new App();
new UserDataStack(app, app.node.tryGetContext('stackName') ?? 'UserDataPlatform', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
