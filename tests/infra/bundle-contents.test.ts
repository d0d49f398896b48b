/**
 * Each function's bundle carries only what its routes run: a heavy library (the DynamoDB and SES
 * clients, the session check, jose, bcryptjs, zod, and the sign-in libraries) costs every cold start
 * of a function that bundles it, so a function carries one only where its routes' declarations say it
 * is used (tools/bench/bundles.ts: HEAVY_LIBRARIES). Built with the stack's own esbuild options; the
 * sizes after tree shaking come from esbuild's metafile.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleRow, HEAVY_LIBRARIES, measureBundles } from '../../tools/bench/bundles.ts';

let rows: BundleRow[];
beforeAll(async () => {
  rows = await measureBundles();
}, 5 * 60_000); // esbuild bundles every function: seconds, more on a busy machine

const rowOf = (id: string) => {
  const row = rows.find((r) => r.routes.includes(id));
  if (!row) throw new Error(`no function serves ${id}`);
  return row;
};

describe('function bundles', () => {
  it('carry no heavy library their routes do not use', () => {
    const unused = Object.fromEntries(rows.filter((r) => r.unused.length > 0).map((r) => [r.function, r.unused]));
    expect(unused, HEAVY_LIBRARIES.map(({ name, rule }) => `${name}: only with ${rule}`).join('; ')).toEqual({});
  });

  it('leave the DynamoDB client, the session check and jose out of the functions that never touch the table', () => {
    for (const id of ['health.get', 'docs.openapi', 'docs.ui', 'docs.apidocs', 'web.console', 'web.asset']) {
      expect(rowOf(id).carries, id).not.toContain('DynamoDB client');
      expect(rowOf(id).carries, id).not.toContain('session check');
      expect(rowOf(id).carries, id).not.toContain('jose');
      expect(rowOf(id).kb, id).toBeLessThan(150);
    }
  });

  it('leave bcrypt out of the functions that never hash or check a password', () => {
    for (const id of ['auth.token', 'auth.logout', 'me.get', 'me.sessions', 'users.get', 'users.list', 'payments.get']) {
      expect(rowOf(id).carries, id).not.toContain('bcryptjs');
    }
    expect(rowOf('auth.login').carries).toContain('bcryptjs');
  });

  it('leave zod out of the functions whose routes parse nothing, though their neighbours do', () => {
    for (const id of ['auth.logout', 'web.console', 'docs.ui', 'docs.apidocs']) expect(rowOf(id).carries, id).not.toContain('zod');
  });
});
