/**
 * `npm run items [-- <PK prefix>]`: the items of the table `npm start` runs, as a JSON array, each
 * sealed field (`…_sealed`) shown opened next to it (`…_opened`) by the project's field cipher with
 * .env.local's secret. A developer's view of what is stored: it reads only DynamoDB Local (useLocalTable
 * replaces any AWS endpoint or credentials in the shell), with a Scan no request path makes.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { checkLocalTable, runLocalCommand, useLocalTable } from './local-table.ts';

type Item = Record<string, unknown>;

await runLocalCommand(async () => {
  const { endpoint, tableName } = useLocalTable({ requireSecrets: true });
  await checkLocalTable(endpoint, tableName);
  const { documentClient } = await import('../../shared/db/client.ts');
  const { openField } = await import('../../shared/crypto/field-cipher.ts');
  const { activityContext } = await import('../../shared/db/activity.ts');
  const { claimContext } = await import('../../shared/db/claims.ts');
  const { totpContext } = await import('../../shared/db/factors.ts');
  const { linkContext } = await import('../../shared/db/links.ts');
  const { cardContext } = await import('../../shared/db/payments.ts');
  const { detailsContext } = await import('../../shared/db/records.ts');
  const { sessionClientContext } = await import('../../shared/db/sessions.ts');
  const { profileContext } = await import('../../shared/db/users.ts');
  const { localClient } = await import('./dynamodb.ts');
  const prefix = process.argv[2] ?? '';

  const userOf = (item: Item) => String(item.PK).slice('USER#'.length);
  /** `LINK#<purpose>` or `LINK#<purpose>#<link id>`: what a link item's seal is bound to besides its account. */
  const linkOf = (item: Item) => String(item.SK).split('#').slice(1) as [Parameters<typeof linkContext>[1], string?];
  // The associated data each sealed attribute is sealed with, by entity (shared/db/*.ts, next to each item's layout).
  const contexts: Record<string, (item: Item) => string> = {
    'user profile_sealed': (item) => profileContext(String(item.user_id)),
    'payment card_no_sealed': (item) => cardContext(String(item.payment_id)),
    'record details_sealed': (item) => detailsContext(String(item.record_id)),
    'signup_claim details_sealed': (item) => claimContext(String(item.PK)),
    'session client_sealed': (item) => sessionClientContext(userOf(item), String(item.SK).slice('SESSION#'.length)),
    'activity client_sealed': (item) => activityContext(userOf(item), String(item.SK)),
    'link data_sealed': (item) => linkContext(userOf(item), ...linkOf(item)),
    'totp secret_sealed': (item) => totpContext(userOf(item)),
  };
  /** Sealed to what the table never holds: shown as such, not as a failure. */
  const unopenable: Record<string, string> = {
    'refresh_token successor_sealed': '(sealed to the refresh token itself, which only its holder has)',
  };
  async function opened(item: Item): Promise<Item> {
    const shown: Item = { PK: item.PK, SK: item.SK }; // keys first: the store's own order is arbitrary
    for (const [name, value] of Object.entries(item)) {
      shown[name] = value;
      if (!name.endsWith('_sealed') || typeof value !== 'string') continue;
      const kind = `${item.entity} ${name}`;
      const context = contexts[kind]?.(item);
      const plaintext = context ? await openField(value, context).catch(() => undefined) : undefined;
      const openedName = `${name.slice(0, -'_sealed'.length)}_opened`;
      if (plaintext === undefined)
        shown[openedName] = context ? '(does not open with the secret in .env.local)' : (unopenable[kind] ?? '(no known context to open it)');
      else shown[openedName] = /^[[{"]/.test(plaintext) ? JSON.parse(plaintext) : plaintext;
    }
    return shown;
  }

  const client = documentClient(localClient(endpoint));
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) if (String(item.PK).startsWith(prefix)) items.push(await opened(item));
    start = page.LastEvaluatedKey;
  } while (start);
  items.sort((a, b) => `${a.PK}\u0000${a.SK}`.localeCompare(`${b.PK}\u0000${b.SK}`));
  // Sets as arrays, binary as base64: JSON has neither.
  const replacer = (_key: string, value: unknown) =>
    value instanceof Set ? [...value] : value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
  process.stdout.write(`${JSON.stringify(items, replacer, 2)}\n`);
});
