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
  const { cardContext } = await import('../../shared/db/payments.ts');
  const { profileContext } = await import('../../shared/db/users.ts');
  const { detailsContext } = await import('../../shared/db/records.ts');
  const { localClient } = await import('./dynamodb.ts');
  const prefix = process.argv[2] ?? '';

  // The associated data each sealed attribute is sealed with (shared/db/users.ts, payments.ts, records.ts).
  const contexts: Record<string, (item: Item) => string> = {
    profile_sealed: (item) => profileContext(String(item.user_id)),
    card_no_sealed: (item) => cardContext(String(item.payment_id)),
    details_sealed: (item) => detailsContext(String(item.record_id)),
  };
  async function opened(item: Item): Promise<Item> {
    const shown: Item = { PK: item.PK, SK: item.SK }; // keys first: the store's own order is arbitrary
    for (const [name, value] of Object.entries(item)) {
      shown[name] = value;
      if (!name.endsWith('_sealed') || typeof value !== 'string') continue;
      const context = contexts[name]?.(item);
      const plaintext = context ? await openField(value, context).catch(() => undefined) : undefined;
      const openedName = `${name.slice(0, -'_sealed'.length)}_opened`;
      if (plaintext === undefined) shown[openedName] = context ? '(does not open with the secret in .env.local)' : '(no known context to open it)';
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
