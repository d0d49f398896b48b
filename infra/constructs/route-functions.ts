/**
 * One NodejsFunction per spec of infra/functions.ts (one per handler file of the route table), each
 * with its own log group and its own role: nothing but its log group, X-Ray, and what the spec grants
 * it from the data store. Functions that read a secret get AWS's Parameters and Secrets extension.
 *
 * Each resource group (a folder of functions/: auth, kv, users …) is a nested stack of its own, so
 * the stack grows by about seven resources per function in that group's stack, not in the parent,
 * which CloudFormation caps at 500 resources like any stack. What belongs to a function is created
 * beside it, in its group's stack, by the part that needs it: its API Gateway permission (RouteApi),
 * its ERROR-line filter and its alarm (Monitoring). The API itself, its methods and everything
 * shared stay in the parent.
 */

import { resolve } from 'node:path';
import { Duration, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionBundling } from '../bundling.ts';
import type { DeploymentConfig } from '../config.ts';
import { type FunctionResources, functionEnvironment, functionGroup, functionSpecs, type RouteTable } from '../functions.ts';
import { paramsAndSecretsLayerArn } from '../params-and-secrets-layers.ts';
import { lambdaRuntime } from '../runtime.ts';
import type { DataStore } from './data-store.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface RouteFunctionsProps {
  data: DataStore;
  routes: RouteTable;
  config: Pick<
    DeploymentConfig,
    | 'memorySize'
    | 'logRetentionDays'
    | 'corsOrigins'
    | 'kvMaxKeys'
    | 'kvMaxBytes'
    | 'recordLookupsPerHour'
    | 'adminMfaRequired'
    | 'mailFrom'
    | 'mailIdentity'
    | 'publicUrl'
  >;
}

export class RouteFunctions {
  /** Every function by its handler entry (the route table's `entry`), in route-table order. */
  readonly byEntry = new Map<string, NodejsFunction>();
  /** The nested stack of each resource group, by group (Kv, Users …). */
  readonly groups = new Map<string, NestedStack>();
  /** The functions that read the public URL (mail links, passkeys). */
  readonly linking: NodejsFunction[] = [];

  /** Creates one nested stack per resource group in `scope`, the stack (see infra/stack.ts). */
  constructor(scope: Construct, { data, routes, config }: RouteFunctionsProps) {
    const resources: FunctionResources = {
      tableName: data.table.tableName,
      appSecretArn: data.appSecret.secretArn,
      consoleKeySecretArn: data.consoleKeySecret.secretArn,
      corsOrigins: config.corsOrigins,
      limits: {
        kvMaxKeys: config.kvMaxKeys,
        kvMaxBytes: config.kvMaxBytes,
        recordLookupsPerHour: config.recordLookupsPerHour,
        adminMfaRequired: config.adminMfaRequired,
      },
      mailFrom: config.mailFrom,
      // Without a publicUrl in the context, the stack sets the API's own URL once the API exists.
      publicUrl: config.publicUrl ?? '',
    };
    for (const spec of functionSpecs(config.memorySize, routes).values()) {
      const { id } = spec;
      const group = this.groupOf(scope, functionGroup(spec.entry));
      const logGroup = new logs.LogGroup(group, `${id}Logs`, {
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const role = new iam.Role(group, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      logGroup.grantWrite(role);
      const fn = new NodejsFunction(group, `${id}Function`, {
        entry: resolve(ROOT, spec.entry),
        handler: 'handler',
        runtime: new lambda.Runtime(lambdaRuntime.name, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
        architecture: lambda.Architecture.custom(lambdaRuntime.architecture),
        memorySize: spec.memoryMB,
        timeout: Duration.seconds(spec.timeoutSeconds),
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        projectRoot: ROOT,
        depsLockFilePath: resolve(ROOT, 'package-lock.json'),
        bundling: functionBundling({ staticFiles: Boolean(spec.staticFiles) }),
        // Secrets are read through AWS's Parameters and Secrets extension: no SDK client in the bundle.
        ...((spec.appSecret || spec.consoleApiKey) && {
          paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersionArn(paramsAndSecretsLayerArn(group), {
            cacheSize: 10,
            logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
          }),
        }),
        environment: functionEnvironment(spec, resources),
      });
      data.grantTo(fn, spec);
      if (spec.mail) {
        // Only the functions that send, only as the stack's sender identity.
        role.addToPolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail'],
            resources: [Stack.of(group).formatArn({ service: 'ses', resource: 'identity', resourceName: config.mailIdentity })],
          }),
        );
      }
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.',
      });
      this.byEntry.set(spec.entry, fn);
      if (spec.publicUrl) this.linking.push(fn);
    }
  }

  private groupOf(scope: Construct, name: string): NestedStack {
    let group = this.groups.get(name);
    if (!group) {
      group = new NestedStack(scope, `${name}Functions`, { description: `The ${name} resource group's functions, roles, logs and alarms` });
      this.groups.set(name, group);
    }
    return group;
  }
}
