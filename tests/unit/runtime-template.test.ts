/**
 * The runtime harness reads a stack as CloudFormation does across nested stacks (tools/runtime/template.ts):
 * a nested stack's parameter is what its parent passes, a parent's Outputs attribute is the output's value.
 */
import { describe, expect, it } from 'vitest';
import { type CfnTemplate, resolver, stacksOf } from '../../tools/runtime/template.ts';

const template: CfnTemplate = {
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table' },
    Group: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { TableArn: { 'Fn::GetAtt': ['Table', 'Arn'] } } } },
    Method: { Type: 'AWS::ApiGateway::Method', Properties: { Uri: { 'Fn::GetAtt': ['Group', 'Outputs.FnArn'] } } },
  },
  NestedTemplates: {
    Group: {
      Parameters: { TableArn: {}, Unpassed: {} },
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { TABLE: { Ref: 'TableArn' } } } } },
      },
      Outputs: { FnArn: { Value: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
    },
  },
};

describe('a stack with a nested stack', () => {
  const [root, group] = stacksOf(template);

  it('lists the parent, then the nested stack with its place', () => {
    expect(stacksOf(template).map((s) => s.parent?.logicalId)).toEqual([undefined, 'Group']);
  });

  it('resolves a nested parameter to the value its parent passes, with the parent’s physical names', () => {
    const { resolve } = resolver(group ?? template, { Table: 'user-data' });
    expect(resolve({ Ref: 'TableArn' })).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/user-data');
    expect(() => resolve({ Ref: 'Unpassed' })).toThrow('The parameter Unpassed has no value');
  });

  it('resolves a parent’s reference to a nested output to the output’s value', () => {
    const { resolve } = resolver(root ?? template);
    expect(resolve({ 'Fn::GetAtt': ['Group', 'Outputs.FnArn'] })).toBe('arn:aws:lambda:us-east-1:123456789012:function:Fn');
  });
});
