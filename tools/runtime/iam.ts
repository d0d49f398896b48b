/**
 * IAM, as far as a function's own role decides: the role's identity-based policy statements from the
 * template, evaluated the way IAM does (an explicit Deny wins, then any Allow, otherwise denied), and
 * the IAM actions and resources each DynamoDB API call is authorized against.
 *
 * Not modelled, and refused rather than ignored when the template uses them: Condition, NotAction,
 * NotResource, permissions boundaries. Managed policies are not read, which can only deny more than
 * AWS would (this stack's function roles have none). Resource-based policies, SCPs and session
 * policies do not exist in this stack.
 */
import { defined, type Json } from '../values.ts';
import { type CfnTemplate, resolver, type StackInTree } from './template.ts';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface Permission {
  action: string;
  resource: string;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of the role's inline policy and of the AWS::IAM::Policy resources attached to it, resolved (in the role's stack). */
export function roleStatements(stack: CfnTemplate | StackInTree, roleLogicalId: string, names: Record<string, string> = {}): Statement[] {
  const { resolve } = resolver(stack, names);
  const template = 'template' in stack ? stack.template : stack;
  const role = template.Resources[roleLogicalId]?.Properties ?? {};
  if (role.PermissionsBoundary) throw new Error(`${roleLogicalId}: PermissionsBoundary is not modelled`);
  const documents = [
    ...(role.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
    ...Object.values(template.Resources).flatMap((r) =>
      r.Type === 'AWS::IAM::Policy' && r.Properties?.Roles?.some((x: { Ref?: string }) => x.Ref === roleLogicalId) ? [r.Properties.PolicyDocument] : [],
    ),
  ];
  return documents.flatMap((document) =>
    list<Record<string, Json>>(document.Statement).map((s) => {
      for (const unsupported of ['Condition', 'NotAction', 'NotResource', 'Principal', 'NotPrincipal']) {
        if (unsupported in s) throw new Error(`${roleLogicalId}: a statement with ${unsupported} is not modelled`);
      }
      return { Effect: s.Effect as Statement['Effect'], Action: list(s.Action), Resource: list(resolve(s.Resource)) };
    }),
  );
}

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare case-insensitively, ARNs exactly. */
const wildcard = (pattern: string, flags = '') =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );

const matches = (s: Statement, { action, resource }: Permission) =>
  s.Action.some((a) => wildcard(a, 'i').test(action)) && s.Resource.some((r) => wildcard(r).test(resource));

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export function evaluate(statements: Statement[], permission: Permission): Decision {
  if (statements.some((s) => s.Effect === 'Deny' && matches(s, permission))) return 'explicit-deny';
  return statements.some((s) => s.Effect === 'Allow' && matches(s, permission)) ? 'allow' : 'implicit-deny';
}

/** PartiQL operations need per-statement actions (PartiQLSelect…) this does not derive. */
const UNMODELLED = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/**
 * The permissions AWS checks for one DynamoDB call (the service's authorization reference): the
 * operation's own action on its table, Query and Scan on the index when one is named, the batch
 * actions on every table in the batch, and for transactions each item's own action
 * (Put → PutItem, Update → UpdateItem, Delete → DeleteItem, ConditionCheck → ConditionCheckItem, Get → GetItem).
 */
export function dynamoDbPermissions(operation: string, input: Record<string, Json>, tableArn: (name: string) => string): Permission[] {
  if (UNMODELLED.has(operation)) throw new Error(`dynamodb:${operation} is not modelled`);
  // TableName may itself be an ARN.
  const arn = (name: string) => (name.startsWith('arn:') ? name : tableArn(name));
  const on = (action: string, resource: string) => ({ action: `dynamodb:${action}`, resource });
  switch (operation) {
    case 'Query':
    case 'Scan':
      return [on(operation, arn(input.TableName) + (input.IndexName ? `/index/${input.IndexName}` : ''))];
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems ?? {}).map((table) => on(operation, arn(table)));
    case 'TransactGetItems':
      return input.TransactItems.map((item: { Get: { TableName: string } }) => on('GetItem', arn(item.Get.TableName)));
    case 'TransactWriteItems': {
      const actions: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
      return input.TransactItems.map((item: Record<string, { TableName: string }>) => {
        const [kind, request] = defined(Object.entries(item)[0], 'a transaction item with a request');
        return on(defined(actions[kind], `a modelled transaction item kind, not ${kind}`), arn(request.TableName));
      });
    }
    case 'ListTables':
      return [on(operation, '*')];
    default:
      // Every other table operation is authorized as itself on the table (GetItem, PutItem, DescribeTable…).
      if (!input.TableName) throw new Error(`dynamodb:${operation} without TableName is not modelled`);
      return [on(operation, arn(input.TableName))];
  }
}
