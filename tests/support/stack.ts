/** The stack as the infra tests synthesize it: without bundling (tests/infra/bundles.test.ts builds the real artifacts), cdk-nag in the app. */
import { App, type StackProps, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { UserDataStack } from '../../infra/stack.ts';
import type { Json } from '../../tools/values.ts';

/** Synthesizes the stack with this context; throws on any cdk-nag finding. */
export function synth(context: Record<string, unknown> = {}, props?: StackProps): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new UserDataStack(app, 'Test', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return Template.fromStack(stack);
}

/** A template's resources of one type, as [logical id, resource] pairs. */
export const resourcesOf = (template: Template, type: string) => Object.entries(template.findResources(type)) as [string, Json][];
