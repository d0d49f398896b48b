/**
 * One real DynamoDB Local (in memory, free port) for the whole run, each test file making its own
 * table; and one local SES (tools/local/mail.ts), where every test's mail lands (tests/support/mailbox.ts).
 */
import type { TestProject } from 'vitest/node';
import { freePort, startDynamoLocal } from '../../tools/local/dynamodb.ts';
import { startLocalMail } from '../../tools/local/mail.ts';
import { auditTables, mailedTokens } from './audit.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    mailEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal({ port: await freePort() });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  const mail = await startLocalMail({ port: await freePort() });
  project.provide('mailEndpoint', mail.endpoint);
  return async () => {
    // Every link token the API mailed (sign-up, invitation …) must be nowhere in the table in clear.
    const tokens = await mailedTokens(mail.endpoint).finally(() => mail.stop());
    try {
      const { items, violations } = await auditTables(dynamo.endpoint, tokens);
      if (violations.length > 0) {
        console.error(`Raw-table audit FAILED: plaintext secrets stored\n${violations.join('\n')}`);
        process.exitCode = 1; // vitest reports errors thrown here without failing the run
        return;
      }
      console.log(
        `Raw-table audit: ${items} items in every test table, no plaintext password, card number, CVC, phone, email, IP address, name or health data, none of the ${tokens.length} mailed link tokens.`,
      );
    } finally {
      await dynamo.stop();
    }
  };
}
