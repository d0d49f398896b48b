/**
 * The raw-table audit that closes every test run: every table the suite made in DynamoDB Local is
 * scanned for what must never be stored in plain text. Attribute names: no password, device or refresh token, card number,
 * CVC or phone. Values: no password of the test accounts, no card number (a value that is 12-19
 * digits passing Luhn, or any test card number inside a value), no phone (a value of 10 digits or
 * E.164), no email address (in a key or a value), no IPv4 address (sign-in counters keep keyed
 * hashes), no TOTP secret or recovery code in clear (they are sealed and hashed), no profile's or
 * health record's personal fields as attributes of their own (they are stored encrypted), and no
 * token that went out in a mail's link (sign-up, reset, invitation, email change: stored only as keyed hashes); passkeys,
 * their markers and their ceremonies' challenges with nothing but their known attributes (a public
 * key and a counter; a challenge only as the hash in its key). Key-value entries are the users' own
 * data and are left out.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/db/client.ts';
import { luhnValid } from '../../shared/domain/card.ts';
import { localClient } from '../../tools/local/dynamodb.ts';

const FORBIDDEN_NAMES = /^(password|card_no|card_number|card_cvc|cvc|cvv|phone|device_token|refresh_token|challenge|private_key|signature)$/i;
/** Passkeys hold a public key and a counter, their ceremonies' challenges nothing but a hash in the key: exactly these attributes. */
const ONLY_ATTRIBUTES: Record<string, ReadonlySet<string>> = {
  passkey: new Set([
    'PK',
    'SK',
    'entity',
    'credential_id',
    'public_key',
    'counter',
    'transports',
    'name',
    'device_type',
    'backed_up',
    'created_at',
    'last_used_at',
  ]),
  'passkey-marker': new Set(['PK', 'SK', 'entity', 'user_id']),
  'webauthn-challenge': new Set(['PK', 'SK', 'entity', 'purpose', 'user_id', 'expires_at', 'ttl']),
};
const PERSONAL_FIELDS: Record<string, RegExp> = {
  user: /^(name|email|username|dob|address|gender|country|pending_email)$/,
  signup_claim: /^(name|email|username|dob|address|gender|country)$/,
  record: /^(name|dob|height|weight)$/,
  link: /^(token|email|old|new|pending_email)$/,
  activity: /^(device|network|ip|source_ip|user_agent)$/,
};
const TEST_PASSWORDS = ['Correct-Horse-9', 'Another-Secret-7', 'New-Password-42', 'Str0ng!Passw0rd', 'Pwned-Pass-1'];
const TEST_CARDS = ['4111111111111111', '5555555555554444', '378282246310005', '371449635398431', '4012888888881881'];

/**
 * The token of every link (`#name=<token>`) in every mail the local SES holds, whole: a link token
 * may start with the account's id and a dot (`#reset=<user id>.<random>`), which is no secret alone.
 */
export async function mailedTokens(mailEndpoint: string): Promise<string[]> {
  const { emails } = (await (await fetch(`${mailEndpoint}/store`)).json()) as { emails: { body: { text?: string } }[] };
  return emails.flatMap(({ body }) => [...(body.text ?? '').matchAll(/#[\w-]+=([\w.-]{20,})/g)].map((match) => match[1] as string));
}

function violationsIn(item: Record<string, unknown>, where: string, tokens: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (/^\+?\d{10,15}$/.test(value)) found.push(`${where} ${path}: a phone-like value`);
      if (/[^\s@#]+@[^\s@]+\.[a-z]{2,}/i.test(value)) found.push(`${where} ${path}: an email address`);
      if (/(^|[^\d.])(\d{1,3}\.){3}\d{1,3}($|[^\d.])/.test(value)) found.push(`${where} ${path}: an IP address`);
      const digits = value.replace(/[\s-]/g, '');
      if (/^\d{12,19}$/.test(digits) && luhnValid(digits)) found.push(`${where} ${path}: a card number`);
      for (const card of TEST_CARDS) if (digits.includes(card)) found.push(`${where} ${path}: a test card number`);
      if (/^[A-Z2-7]{32}$/.test(value)) found.push(`${where} ${path}: a TOTP secret (base32)`);
      if (/^[a-z2-9]{5}-[a-z2-9]{5}$/.test(value)) found.push(`${where} ${path}: a recovery code`);
      for (const password of TEST_PASSWORDS) if (value.includes(password)) found.push(`${where} ${path}: a plaintext password`);
      for (const token of tokens) if (value.includes(token)) found.push(`${where} ${path}: a mailed link token`);
    } else if (value instanceof Set) {
      for (const inner of value) walk(inner, path);
    } else if (value && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) {
        const masked = name === 'card_no' && typeof inner === 'string' && /^X{4}-X{4}-X{4}-\d{4}$/.test(inner); // as responses show it
        if (FORBIDDEN_NAMES.test(name) && !masked) found.push(`${where} ${path}.${name}: a forbidden attribute`);
        walk(inner, `${path}.${name}`);
      }
    }
  };
  walk(item, '');
  return found;
}

export async function auditTables(endpoint: string, mailed: string[] = []): Promise<{ items: number; violations: string[] }> {
  const tokens = new Set(mailed);
  const client = localClient(endpoint);
  const documents = documentClient(client);
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  const violations: string[] = [];
  let items = 0;
  for (const TableName of TableNames) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName, ExclusiveStartKey }));
      for (const item of page.Items ?? []) {
        items++;
        if (item.entity === 'kv') continue;
        const where = `${TableName} ${item.PK}/${item.SK}`;
        violations.push(...violationsIn(item, where, tokens));
        const only = ONLY_ATTRIBUTES[item.entity as string];
        if (only)
          violations.push(
            ...Object.keys(item)
              .filter((name) => !only.has(name))
              .map((name) => `${where} .${name}: not an attribute of a ${item.entity}`),
          );
        const personal = PERSONAL_FIELDS[item.entity as string];
        if (personal)
          violations.push(
            ...Object.keys(item)
              .filter((name) => personal.test(name))
              .map((name) => `${where} .${name}: personal data in plain text`),
          );
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return { items, violations };
}
