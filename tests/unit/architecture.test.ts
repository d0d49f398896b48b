/**
 * The shape of the code, from its imports: layers only look down, and a function reads only its own
 * resource's route declarations. (The bundles it makes are in tools/bench/bundles.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const filesUnder = (dir: string) =>
  readdirSync(resolve(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}/${file}`);

/** The project files a file imports (relative imports, static and dynamic, types included), from the project root. */
function importsOf(file: string): string[] {
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((match) => relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? '')));
}

/** Every project file a file reaches through its imports. */
function reachedFrom(file: string, seen = new Set<string>()): Set<string> {
  for (const target of importsOf(file)) {
    if (seen.has(target) || target.startsWith('node_modules/')) continue;
    seen.add(target);
    reachedFrom(target, seen);
  }
  return seen;
}

/** shared/<part>/… or shared/<part>.ts → its layer. */
const layerOf = (file: string): string => (file.startsWith('shared/') ? (file.split('/')[1] ?? '').replace(/\.ts$/, '') : (file.split('/')[0] ?? ''));

/** What each layer of shared/ may import, besides itself: everything looks down, nothing up to http. */
const MAY_IMPORT: Record<string, string[]> = {
  errors: [],
  memo: [],
  retry: [],
  'json-text': [],
  domain: ['errors'],
  config: ['memo'],
  web: [],
  schemas: ['domain', 'web'],
  crypto: ['config', 'domain', 'errors', 'memo'],
  // A public projection is typed by the response schema it answers.
  db: ['config', 'crypto', 'domain', 'errors', 'json-text', 'memo', 'retry', 'schemas'],
  services: ['config', 'crypto', 'db', 'domain', 'errors', 'json-text', 'mail', 'memo', 'retry', 'schemas'],
  routes: ['schemas', 'web'],
  http: ['config', 'crypto', 'db', 'domain', 'errors', 'json-text', 'memo', 'routes'],
  openapi: ['errors', 'http', 'memo', 'routes', 'schemas'],
  client: [],
  // The mailer's SES sender (issue 21): request functions never send mail themselves. It answers
  // SES's busy as Unavailable (a 503 with Retry-After).
  mail: ['config', 'errors', 'memo'],
};

describe('the import graph', () => {
  it('has no arrow running back up: each layer of shared/ imports only the layers below it, and nothing outside shared/', () => {
    const upward = filesUnder('shared').flatMap((file) => {
      const layer = layerOf(file);
      const allowed = new Set([layer, ...(MAY_IMPORT[layer] ?? [])]);
      return importsOf(file)
        .filter((target) => !target.startsWith('node_modules/') && !allowed.has(layerOf(target)))
        .map((target) => `${file} → ${target}`);
    });
    expect(upward).toEqual([]);
  });

  it('gives each function only its own resource’s route declarations, and the table-free ones no data client or session check', () => {
    const wrong = filesUnder('functions').flatMap((file) => {
      const resource = file.split('/')[1];
      return (
        importsOf(file)
          // shared/routes/auth-logout.ts: a route declared apart from its resource's file (shared/routes/route.ts says why).
          .filter(
            (target) =>
              (target.startsWith('shared/routes') && !target.startsWith(`shared/routes/${resource}.ts`) && !target.startsWith(`shared/routes/${resource}-`)) ||
              target === 'shared/routes.ts',
          )
          .map((target) => `${file} → ${target}`)
      );
    });
    expect(wrong).toEqual([]);
    // The routes that never touch the table (data: 'none'): their functions reach no data client, session check or token code.
    for (const resource of ['health', 'docs', 'web']) {
      for (const file of filesUnder(`functions/${resource}`)) {
        const reached = [...reachedFrom(file)].filter((target) => ['shared/db/client.ts', 'shared/db/sessions.ts', 'shared/crypto/tokens.ts'].includes(target));
        expect(reached, file).toEqual([]);
      }
    }
  });
});
