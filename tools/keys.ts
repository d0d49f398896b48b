/**
 * Key rotation, locally: `npm run keys -- show|stage|promote|retire` edits APP_SECRET in `.env.local`
 * (or the file after `--file`). The functions pick the secret up on their next cold start (npm start
 * reloads them). On AWS the same three steps edit the Secrets Manager secret (docs/operations.md).
 *
 *   stage    adds a new key as `verifying`: every function learns it, nothing is signed with it yet
 *   promote  makes the staged key `active`; the old active key turns `verifying` (old tokens, fields
 *            and cursors still open)
 *   retire   removes the verifying keys older than the active one: what they made no longer opens
 *            (re-seal fields first where they must outlive it: tokens live 15 minutes, cursors a page)
 *
 * The list keeps its order, oldest first: a verifying key after the active one is staged, before it retiring.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type SecretDocument, type SecretKey, secretKeys } from '../shared/config/index.ts';

export type KeyCommand = 'show' | 'stage' | 'promote' | 'retire';

const activeIndex = (keys: SecretKey[]) => keys.findIndex((key) => key.status === 'active');

/** The secret after a command, or an Error saying why the command does not apply. */
export function rotateKeys(doc: SecretDocument, command: Exclude<KeyCommand, 'show'>): { keys: SecretKey[] } {
  const keys = secretKeys(doc);
  const active = activeIndex(keys);
  const staged = keys.slice(active + 1);
  if (command === 'stage') {
    if (staged.length > 0) throw new Error(`Key ${staged[0]?.id} is staged already: promote it first.`);
    const id = String(Math.max(0, ...keys.map((key) => Number(key.id)).filter(Number.isSafeInteger)) + 1);
    return { keys: [...keys, { id, material: randomBytes(48).toString('base64url'), status: 'verifying' }] };
  }
  if (command === 'promote') {
    if (staged.length === 0) throw new Error('No staged key to promote: stage one first (and wait for every function to pick it up).');
    return { keys: keys.map((key, i) => ({ ...key, status: i === active + 1 ? 'active' : 'verifying' })) };
  }
  if (active === 0) throw new Error('No key older than the active one to retire.');
  return { keys: keys.slice(active) };
}

/** What `show` prints: ids and statuses, never the material. */
export const describeKeys = (doc: SecretDocument) => {
  const keys = secretKeys(doc);
  const active = activeIndex(keys);
  return keys.map((key, i) => `${key.id}\t${key.status}${key.status === 'verifying' ? (i > active ? ' (staged)' : ' (retiring)') : ''}`).join('\n');
};

const LINE = /^APP_SECRET='(.*)'$/m;

function main(args: string[]) {
  const [command, flag, file = '.env.local'] = args;
  if (!['show', 'stage', 'promote', 'retire'].includes(command ?? '') || (flag !== undefined && flag !== '--file')) {
    throw new Error('Usage: npm run keys -- show|stage|promote|retire [--file .env.local]');
  }
  const text = readFileSync(file, 'utf8');
  const current = LINE.exec(text)?.[1];
  if (current === undefined) throw new Error(`${file} has no APP_SECRET line (npm start writes it)`);
  const doc = JSON.parse(current) as SecretDocument;
  if (command !== 'show') {
    const next = rotateKeys(doc, command as Exclude<KeyCommand, 'show'>);
    writeFileSync(
      file,
      text.replace(LINE, () => `APP_SECRET='${JSON.stringify(next)}'`),
      { mode: 0o600 },
    );
    console.log(describeKeys(next));
    return;
  }
  console.log(describeKeys(doc));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
