/**
 * What the API keeps: the one table (shared/db/table.ts) and three secrets, the app's master key and
 * the values of the two API keys. Functions get access through `grantTo`, as their spec declares it.
 * The table and the app secret are retained when the stack is deleted: they hold the data and the key
 * that decrypts it.
 */
import { type CfnElement, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { table as tableDefinition } from '../../shared/db/table.ts';
import type { FunctionSpec } from '../functions.ts';

export class DataStore {
  readonly table: dynamodb.Table;
  /** The master key: HKDF derives every key (JWT, field encryption, cursors, lookup hashes) from it. */
  readonly appSecret: secretsmanager.Secret;
  /** The API clients' key, for the operator to hand out. */
  readonly apiKeySecret: secretsmanager.Secret;
  /** The console's key, which the console function puts in its page. */
  readonly consoleKeySecret: secretsmanager.Secret;

  /** Creates its resources in `scope`, the stack (see infra/stack.ts). */
  constructor(scope: Construct) {
    this.table = new dynamodb.Table(scope, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      });
    }

    this.appSecret = new secretsmanager.Secret(scope, 'AppSecret', {
      description: 'Master key of the user-data API (JWT signing, field encryption, cursors, keyed hashes)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ keyId: '1' }),
        generateStringKey: 'masterKey',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The master key encrypts stored data; rotating it means adding the old value under retiredKeys so existing ciphertexts stay readable. That is a deliberate, manual procedure (README: key rotation), not an automatic Lambda rotation.',
    });

    // The API keys' values (gateway-contract.ts: two usage plans); the keys themselves are FairUse's.
    const keySecret = (id: string, description: string) => {
      const secret = new secretsmanager.Secret(scope, id, { description, generateSecretString: { passwordLength: 40, excludePunctuation: true } });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'An API key is handed to its clients (or served in the console page); rotating it is a coordinated change (new key, then remove the old), not an automatic rotation.',
      });
      return secret;
    };
    this.apiKeySecret = keySecret('ApiKeySecret', 'API key for API clients of the user-data API (send as x-api-key)');
    this.consoleKeySecret = keySecret('ConsoleApiKeySecret', "API key of the user-data API's public web console (served in the console page)");
  }

  /** Grants a function what its spec says it may touch: the console's key, the table (read or read-write), the app secret. */
  grantTo(fn: lambda.IFunction, access: Pick<FunctionSpec, 'data' | 'appSecret' | 'consoleApiKey'>) {
    if (access.consoleApiKey) this.consoleKeySecret.grantRead(fn);
    if (access.data === 'read') this.table.grantReadData(fn);
    if (access.data === 'write') this.table.grantReadWriteData(fn);
    if (access.appSecret) this.appSecret.grantRead(fn);
    if (access.data !== 'none') {
      if (!fn.role) throw new Error(`${fn.node.path} has no role to acknowledge its table grant on`);
      // The table's ARN as the role's policy names it: an attribute of the table in the table's stack,
      // a parameter the CDK names after the table (reference-to-<unique id>Arn) in a nested stack.
      const table = this.table.node.defaultChild as CfnElement;
      const tableArn = Stack.of(fn) === Stack.of(table) ? `${Stack.of(table).getLogicalId(table)}.Arn` : `referenceto${Names.nodeUniqueId(table.node)}Arn`;
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${tableArn}>/index/*]`,
        reason: "The indexes of this one table (the users list queries GSI1); DynamoDB index ARNs are addressed under the table's ARN.",
      });
    }
  }
}
