/**
 * The IAM evaluation the Lambda runtime tests hold every function to (tools/runtime/iam.ts),
 * on the cases the stack's own policies do not exercise: wildcards, explicit denies, batches,
 * transactions, index ARNs.
 */
import { describe, expect, it } from 'vitest';
import { dynamoDbPermissions, evaluate, roleStatements, type Statement } from '../../tools/runtime/iam.ts';

const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/users';
const arn = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;
const allow = (Action: string[], Resource: string[]): Statement => ({ Effect: 'Allow', Action, Resource });

describe('policy evaluation', () => {
  it('matches action wildcards case-insensitively and resource wildcards exactly', () => {
    const policy = [allow(['dynamodb:BatchGet*', 'DynamoDB:getitem'], [table, `${table}/index/*`])];
    expect(evaluate(policy, { action: 'dynamodb:BatchGetItem', resource: table })).toBe('allow');
    expect(evaluate(policy, { action: 'dynamodb:GetItem', resource: table })).toBe('allow');
    expect(evaluate(policy, { action: 'dynamodb:BatchWriteItem', resource: table })).toBe('implicit-deny');
    expect(evaluate(policy, { action: 'dynamodb:GetItem', resource: `${table}/index/GSI1` })).toBe('allow');
    expect(evaluate(policy, { action: 'dynamodb:GetItem', resource: arn('users-archive') })).toBe('implicit-deny');
    expect(evaluate(policy, { action: 'dynamodb:GetItem', resource: arn('Users') })).toBe('implicit-deny');
  });

  it('grants an index only through an index ARN, and lets an explicit Deny win', () => {
    expect(evaluate([allow(['dynamodb:Query'], [table])], { action: 'dynamodb:Query', resource: `${table}/index/GSI1` })).toBe('implicit-deny');
    const policy: Statement[] = [allow(['dynamodb:*'], ['*']), { Effect: 'Deny', Action: ['dynamodb:DeleteItem'], Resource: [table] }];
    expect(evaluate(policy, { action: 'dynamodb:DeleteItem', resource: table })).toBe('explicit-deny');
    expect(evaluate(policy, { action: 'dynamodb:PutItem', resource: table })).toBe('allow');
    expect(evaluate([], { action: 'dynamodb:GetItem', resource: table })).toBe('implicit-deny');
  });

  it('refuses what it does not model rather than ignoring it', () => {
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { StringEquals: {} } }] },
          },
        },
      },
    };
    expect(() => roleStatements(template, 'Role')).toThrow(/Condition is not modelled/);
  });
});

describe('the permissions a DynamoDB call needs', () => {
  const permissions = (operation: string, input: Record<string, unknown>) => dynamoDbPermissions(operation, input, arn);

  it('checks each transaction item as its own action on its own table', () => {
    const key = { PK: { S: 'a' } };
    expect(
      permissions('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: 'users', Item: key } },
          { Update: { TableName: 'users', Key: key } },
          { Delete: { TableName: 'audit', Key: key } },
          { ConditionCheck: { TableName: 'users', Key: key } },
        ],
      }),
    ).toEqual([
      { action: 'dynamodb:PutItem', resource: table },
      { action: 'dynamodb:UpdateItem', resource: table },
      { action: 'dynamodb:DeleteItem', resource: arn('audit') },
      { action: 'dynamodb:ConditionCheckItem', resource: table },
    ]);
    expect(permissions('TransactGetItems', { TransactItems: [{ Get: { TableName: 'users', Key: key } }] })).toEqual([
      { action: 'dynamodb:GetItem', resource: table },
    ]);
  });

  it('checks batches per table, queries and scans on the index they name, and accepts a table ARN as TableName', () => {
    expect(permissions('BatchWriteItem', { RequestItems: { users: [], audit: [] } })).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: table },
      { action: 'dynamodb:BatchWriteItem', resource: arn('audit') },
    ]);
    expect(permissions('BatchGetItem', { RequestItems: { [table]: {} } })).toEqual([{ action: 'dynamodb:BatchGetItem', resource: table }]);
    expect(permissions('Query', { TableName: 'users', IndexName: 'GSI1' })).toEqual([{ action: 'dynamodb:Query', resource: `${table}/index/GSI1` }]);
    expect(permissions('Scan', { TableName: 'users' })).toEqual([{ action: 'dynamodb:Scan', resource: table }]);
    expect(permissions('UpdateItem', { TableName: table })).toEqual([{ action: 'dynamodb:UpdateItem', resource: table }]);
    expect(permissions('ListTables', {})).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
    expect(() => permissions('ExecuteStatement', { Statement: 'SELECT * FROM users' })).toThrow(/not modelled/);
  });
});
