import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserDataStack } from '/work/main/infra/stack.ts';
for (const origins of ['https://a.example', 'https://a.example,https://b.example']) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], corsOrigins: origins } });
  const stack = new UserDataStack(app, 'T');
  const t = Template.fromStack(stack);
  const opts = Object.entries(t.findResources('AWS::ApiGateway::Method')).filter(([, m]: any) => m.Properties.HttpMethod === 'OPTIONS');
  console.log(origins, opts.length, JSON.stringify(opts[0][1], null, 1).slice(0, 2500));
}
