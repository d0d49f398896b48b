/**
 * The stack as the infra tests synthesize it: without bundling (tests/infra/bundles.test.ts builds the
 * real artifacts), cdk-nag in the app. The stack is a parent and one nested stack per resource group
 * of functions; a test that looks for a resource wherever it lives reads them all.
 */
import { App, NestedStack, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { UserDataStack, type UserDataStackProps } from '../../infra/stack.ts';
import { defined, type Json } from '../../tools/values.ts';

export interface Synthesized {
  /** The parent stack's template: the data store, the API, fair use, monitoring, the nested stacks. */
  root: Template;
  /** Every stack's template by construct path: the parent's first, then each nested stack's. */
  stacks: Map<string, Template>;
  /** Each nested stack's template, by the logical id of its AWS::CloudFormation::Stack in the parent. */
  nested: Map<string, Template>;
}

/** Synthesizes the stack with this context; throws on any cdk-nag finding. */
export function synth(context: Record<string, unknown> = {}, props?: UserDataStackProps): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new UserDataStack(app, 'Test', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const nested = stack.node.findAll().filter((c) => c instanceof NestedStack);
  return {
    root: Template.fromStack(stack),
    stacks: new Map([stack, ...nested].map((s: Stack) => [s.node.path, Template.fromStack(s)])),
    nested: new Map(nested.map((s) => [stack.getLogicalId(defined(s.nestedStackResource, 'a nested stack resource')), Template.fromStack(s)])),
  };
}

/** The function a method's Lambda integration invokes: the template of its (nested) stack and its logical id there. */
export function integratedFunction(synthesized: Synthesized, method: Json): { stack: Template; logicalId: string } {
  const parts: Json[] = method.Properties.Integration.Uri['Fn::Join'][1];
  const [stackId, output] = defined(
    parts.find((part) => part['Fn::GetAtt']),
    'a nested stack output in the integration URI',
  )['Fn::GetAtt'] as [string, string];
  const stack = defined(synthesized.nested.get(stackId), `the nested stack ${stackId}`);
  const arn = stack.toJSON().Outputs[output.replace(/^Outputs\./, '')].Value;
  return { stack, logicalId: arn['Fn::GetAtt'][0] };
}

/** The resources of one type, as [logical id, resource] pairs: in every stack of a synthesized app, or in one template. */
export function resourcesOf(template: Synthesized | Template, type: string): [string, Json][] {
  const templates = template instanceof Template ? [template] : [...template.stacks.values()];
  return templates.flatMap((t) => Object.entries(t.findResources(type)) as [string, Json][]);
}
