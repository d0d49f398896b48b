/** The data store on its own: the table from the shared definition, the secrets, and their logical ids. */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DataStore } from '../../infra/constructs/data-store.ts';
import { resourcesOf } from '../support/stack.ts';

const app = new App();
const stack = new Stack(app, 'Test');
new DataStore(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth(); // throws on a cdk-nag finding its own acknowledgements do not cover
const template = Template.fromStack(stack);

describe('data store', () => {
  it('keeps the table on-demand, recoverable, expiring, protected and retained, with the shared key definition', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: ['GSI1', 'GSI2'].map((name) =>
          Match.objectLike({
            IndexName: name,
            KeySchema: [
              { AttributeName: `${name}PK`, KeyType: 'HASH' },
              { AttributeName: `${name}SK`, KeyType: 'RANGE' },
            ],
          }),
        ),
      },
    });
  });

  it('generates the app secret at deploy time, retained, and never puts a secret value in the template', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { GenerateSecretString: { GenerateStringKey: 'masterKey', SecretStringTemplate: '{"keyId":"1"}', PasswordLength: 64 } },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/APP_SECRET|masterKey"\s*:\s*"[A-Za-z0-9]/);
  });

  it('keeps the logical ids the table and the secrets were deployed with (a new one would replace them)', () => {
    expect(resourcesOf(template, 'AWS::DynamoDB::Table').map(([id]) => id)).toEqual(['TableCD117FA1']);
    expect(resourcesOf(template, 'AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([
      'AppSecretFAB5164C',
      'ApiKeySecretF1B08E61',
      'ConsoleApiKeySecret01B527F1',
    ]);
  });
});
