/**
 * Each function's bundle, built with the stack's own esbuild options (infra/bundling.ts) in a few
 * seconds, without synthesizing the stack: its size, gzipped size, and which heavy libraries it carries
 * (each costs cold start), against what its routes declare they use (HEAVY_LIBRARIES).
 * `node --import tsx tools/bench/bundles.ts [--json]`; tests/infra/bundle-contents.test.ts holds every
 * function to it.
 */

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import * as z from 'zod/mini';
import { esbuildOptions, LAZY_LIBRARIES } from '../../infra/bundling.ts';
import { type FunctionSpec, functionSpecs } from '../../infra/functions.ts';
import type { RouteDef } from '../../shared/routes/route.ts';
import { routes } from '../../shared/routes.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A function as the rules see it: its spec and its routes' declarations. */
export interface BundledFunction {
  spec: FunctionSpec;
  routes: (RouteDef & { id: string; mail?: true })[];
}

const signIn = ({ routes }: BundledFunction) => routes.some(({ id }) => id.startsWith('auth.') || id.startsWith('me.'));
/** Sign-in, the caller's own factors, or a body that takes a step-up proof (an admin acting on an admin). */
const factors = (fn: BundledFunction) =>
  signIn(fn) || fn.routes.some(({ body }) => body !== undefined && JSON.stringify(z.toJSONSchema(body())).includes('"totp_code"'));

/**
 * The heavy parts a bundle may carry, each by the module paths that give it away, and which functions
 * may carry it: those whose routes use it, by their declarations. Anything else carrying it came in
 * through an import it does not run.
 */
export const HEAVY_LIBRARIES: { name: string; path: string; mayCarry: (fn: BundledFunction) => boolean; rule: string }[] = [
  {
    name: 'DynamoDB client',
    path: 'node_modules/@aws-sdk/client-dynamodb/',
    mayCarry: ({ spec }) => spec.data !== 'none',
    rule: "a route with data other than 'none'",
  },
  { name: 'session check', path: 'shared/db/sessions.ts', mayCarry: ({ spec }) => spec.data !== 'none', rule: "a route with data other than 'none'" },
  {
    name: 'jose',
    path: 'node_modules/jose/',
    mayCarry: ({ spec }) => spec.data !== 'none',
    rule: "a route with data other than 'none' (tokens are verified or issued)",
  },
  { name: 'SES client', path: 'node_modules/@aws-sdk/client-sesv2/', mayCarry: ({ routes }) => routes.some((r) => r.mail), rule: 'a route declaring mail' },
  { name: 'bcryptjs', path: 'node_modules/bcryptjs/', mayCarry: ({ routes }) => routes.some((r) => r.bcrypt), rule: 'a route declaring bcrypt' },
  {
    name: '@zxcvbn-ts',
    path: 'node_modules/@zxcvbn-ts/',
    mayCarry: ({ routes }) => routes.some((r) => r.bcrypt),
    rule: 'a route declaring bcrypt (it sets or checks a password)',
  },
  {
    name: 'otpauth',
    path: 'node_modules/otpauth/',
    mayCarry: factors,
    rule: 'an auth.* or me.* route (sign-in and the caller’s own factors), or a body taking totp_code (step-up)',
  },
  {
    name: '@simplewebauthn/server',
    path: 'node_modules/@simplewebauthn/server/',
    mayCarry: ({ routes }) => routes.some((r) => r.webauthn),
    rule: 'a route declaring webauthn (it verifies a passkey response: sign-in, step-up, registration)',
  },
  {
    name: 'zod',
    path: 'node_modules/zod/',
    // A route declaration references its response schema for the docs, so its function carries zod's core
    // (12–29 KB) even where only the OpenAPI document builds that schema.
    mayCarry: ({ routes }) => routes.some((r) => r.body || r.params || r.query || r.response || r.id === 'docs.openapi'),
    rule: 'a route with a request or response schema, or the OpenAPI document',
  },
];

export interface BundleRow {
  function: string;
  entry: string;
  routes: string[];
  kb: number;
  gzip_kb: number;
  /** The heavy libraries it carries (over 1 KB of their code, after tree shaking, or in a lazy file of its own), by name. */
  carries: string[];
  /** Of those, the ones it ships as files of their own, read on first use (infra/bundling.ts, LAZY_LIBRARIES). */
  lazy: string[];
  /** Lazy files its bundle imports statically, so that they load at init: should be none. */
  loaded_at_init: string[];
  /** Those it carries that its routes do not declare a use for (HEAVY_LIBRARIES): should be none. */
  unused: string[];
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export async function measureBundles(): Promise<BundleRow[]> {
  const rows: BundleRow[] = [];
  for (const spec of functionSpecs().values()) {
    const result = await build({
      ...esbuildOptions,
      entryPoints: [resolve(ROOT, spec.entry)],
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    // What each input put in the bundle after tree shaking: an import whose code is all unused leaves a few bytes.
    const inputs = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {});
    const bytesOf = (path: string) => inputs.reduce((sum, [input, { bytesInOutput }]) => sum + (input.includes(path) ? bytesInOutput : 0), 0);
    const fn: BundledFunction = {
      spec,
      routes: spec.routeIds.map((id) => ({ id, ...(routes as Record<string, RouteDef>)[id] }) as BundledFunction['routes'][number]),
    };
    const imports = Object.values(result.metafile.outputs)[0]?.imports ?? [];
    const lazyImports = Object.entries(LAZY_LIBRARIES).flatMap(([library, file]) =>
      imports.filter((i) => i.path === `./${file}`).map(({ kind }) => ({ library, kind })),
    );
    const ofLibrary = (library: string) => HEAVY_LIBRARIES.find(({ path }) => `node_modules/${library}/`.startsWith(path));
    const lazy = HEAVY_LIBRARIES.filter((heavy) => lazyImports.some(({ library }) => ofLibrary(library) === heavy));
    const carried = HEAVY_LIBRARIES.filter((heavy) => bytesOf(heavy.path) > 1024 || lazy.includes(heavy));
    rows.push({
      function: spec.id,
      entry: spec.entry,
      routes: spec.routeIds,
      kb: kb(code.length),
      gzip_kb: kb(gzipSync(code).length),
      carries: carried.map(({ name }) => name),
      lazy: lazy.map(({ name }) => name),
      loaded_at_init: [...new Set(lazyImports.filter(({ kind }) => kind !== 'dynamic-import').map(({ library }) => library))],
      unused: carried.filter(({ mayCarry }) => !mayCarry(fn)).map(({ name }) => name),
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measureBundles();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    process.stdout.write('| function | KB | gzip KB | heavy libraries | not used by its routes |\n| --- | --- | --- | --- | --- |\n');
    for (const r of rows) process.stdout.write(`| ${r.function} | ${r.kb} | ${r.gzip_kb} | ${r.carries.join(', ') || '—'} | ${r.unused.join(', ') || '—'} |\n`);
  }
}
