/**
 * What `npm run invoke`, `seed` and `items` share: the DynamoDB Local that `npm start` runs, found by
 * DYNAMODB_PORT and only ever on this machine (any AWS endpoint or credentials in the shell are
 * replaced), the local secrets from `.env.local`, and a one-line message instead of a stack trace.
 */
import { existsSync } from 'node:fs';
import { DescribeTableCommand, ListTablesCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { localAwsEnvironment, localClient } from './dynamodb.ts';
import { generateLocalEnv } from './env-file.ts';

const LEADS_TO_AWS = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_ENDPOINT_URL'];

/** Something the developer can fix, said in one line. */
export class LocalProblem extends Error {}

/**
 * Points this process at the local table. Without `.env.local` (npm start writes it), `requireSecrets`
 * stops; otherwise throwaway secrets stand in (invoke works on a throwaway table anyway).
 */
export function useLocalTable({ requireSecrets }: { requireSecrets: boolean }): { endpoint: string; tableName: string } {
  if (existsSync('.env.local')) process.loadEnvFile('.env.local');
  else if (requireSecrets) throw new LocalProblem('No .env.local here: run npm start in this directory first (it generates the local secrets).');
  else for (const [name, value] of Object.entries(generateLocalEnv())) process.env[name] ??= value;
  const endpoint = `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`;
  // Whatever in the shell or ~/.aws could send the SDK to AWS instead (a profile's real keys, an
  // instruction to ignore the endpoint) goes: these commands write demo accounts and card data.
  for (const name of LEADS_TO_AWS) delete process.env[name];
  Object.assign(process.env, localAwsEnvironment(endpoint), { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  process.env.TABLE_NAME ??= 'user-data';
  return { endpoint, tableName: process.env.TABLE_NAME };
}

/** Stops with a clear message when DynamoDB Local does not answer, or (with a name) lacks the table. */
export async function checkLocalTable(endpoint: string, tableName?: string): Promise<void> {
  try {
    const client = localClient(endpoint);
    if (tableName) await client.send(new DescribeTableCommand({ TableName: tableName }));
    else await client.send(new ListTablesCommand({ Limit: 1 }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new LocalProblem(`DynamoDB Local on ${endpoint} has no table ${tableName}: npm start creates it.`);
    throw new LocalProblem(`DynamoDB Local is not running on ${endpoint}: start it with npm start (or set DYNAMODB_PORT to the port it runs on).`);
  }
}

/** Runs a command's body: exit 0, or one line on stderr and exit 1 (2 for a usage mistake). */
export async function runLocalCommand(body: () => Promise<void>): Promise<never> {
  try {
    await body();
    return process.exit(0);
  } catch (error) {
    const message = error instanceof LocalProblem ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(message);
    return process.exit(error instanceof UsageProblem ? 2 : 1);
  }
}

/** A command called the wrong way: the message says the right way. */
export class UsageProblem extends LocalProblem {}
