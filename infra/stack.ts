/**
 * The whole API on AWS, composed of its parts (infra/constructs/): the data store (table and
 * secrets), one function per handler, the REST API from the route table and the gateway contract,
 * fair use (usage plans, API keys, the WAF's per-address limit), and monitoring (alarms, dashboard).
 *
 * The functions live in one nested stack per resource group (RouteFunctions), with what belongs to
 * each (role, log group, permission, alarm): CloudFormation allows 500 resources per stack, and this
 * way the parent grows by about two per route (the method and its share of the path's resources),
 * each group's stack by about seven per function. tests/infra/stack-size.test.ts holds every stack
 * to 80% of the limit, with the route table as it is and three times as large.
 *
 * Each part creates its resources directly in this stack (or a group's), under the construct ids they
 * had before the stack was split into parts, rather than in a construct of its own: a logical id is
 * derived from the construct path, and a new logical id makes CloudFormation replace the resource. The
 * table and the app secret are retained, so a replacement would leave them orphaned and start empty
 * ones. tests/infra/data-store.test.ts pins their logical ids.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { routes as productRoutes } from '../shared/routes.ts';
import { configOf } from './config.ts';
import { DataStore } from './constructs/data-store.ts';
import { FairUse } from './constructs/fair-use.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { RouteApi } from './constructs/route-api.ts';
import { RouteFunctions } from './constructs/route-functions.ts';
import type { RouteTable } from './functions.ts';

export interface UserDataStackProps extends StackProps {
  /** The route table to deploy: shared/routes.ts unless a test gives a larger one. */
  routes?: RouteTable;
}

export class UserDataStack extends Stack {
  constructor(scope: Construct, id: string, { routes = productRoutes, ...props }: UserDataStackProps = {}) {
    super(scope, id, props);
    const config = configOf(this.node);

    const data = new DataStore(this);
    const functions = new RouteFunctions(this, { data, routes, config });
    const { api } = new RouteApi(this, { name: `${id}-api`, routes, functions: functions.byEntry, config });
    // Links in mail and the passkeys' relying party: the configured public URL, else the API's own (which serves the console).
    // Built from the API's id, not api.url, which names the stage and so its deployment (a dependency cycle).
    const apiUrl = `https://${api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${config.stage}`;
    if (!config.publicUrl) for (const fn of functions.linking) fn.addEnvironment('PUBLIC_URL', apiUrl);
    new FairUse(this, { api, apiKeySecret: data.apiKeySecret, consoleKeySecret: data.consoleKeySecret, config });
    new Monitoring(this, { api, functions: functions.byEntry, table: data.table, alarmEmail: config.alarmEmail });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the API' });
    new CfnOutput(this, 'ApiKeySecretArn', {
      value: data.apiKeySecret.secretArn,
      description: 'Read the API key: aws secretsmanager get-secret-value --query SecretString --output text --secret-id <this>',
    });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
  }
}
