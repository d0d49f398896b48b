/**
 * Each function's bundle, built with the stack's own esbuild options (infra/bundling.ts) in a few
 * seconds, without synthesizing the stack: its size, gzipped size, and whether it carries the
 * DynamoDB client and the session check. `node --import tsx tools/bench/bundles.ts [--json]`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundling } from '../../infra/bundling.ts';
import { functionSpecs } from '../../infra/functions.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface BundleRow {
  entry: string;
  kb: number;
  gzip_kb: number;
  /** The bundle includes @aws-sdk/client-dynamodb. */
  dynamodb: boolean;
  /** The bundle includes the session check (the sessions entity). */
  session_check: boolean;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export async function measureBundles(): Promise<BundleRow[]> {
  const rows: BundleRow[] = [];
  for (const { entry } of functionSpecs().values()) {
    const result = await build({
      entryPoints: [resolve(ROOT, entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: bundling.minify,
      target: bundling.target,
      mainFields: bundling.mainFields,
      banner: bundling.banner ? { js: bundling.banner } : undefined,
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    const inputs = Object.keys(result.metafile.inputs);
    rows.push({
      entry,
      kb: kb(code.length),
      gzip_kb: kb(gzipSync(code).length),
      dynamodb: inputs.some((input) => input.includes('node_modules/@aws-sdk/client-dynamodb/')),
      session_check: inputs.some((input) => input.endsWith('shared/db/sessions.ts')),
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measureBundles();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    process.stdout.write('| function | KB | gzip KB | DynamoDB client | session check |\n| --- | --- | --- | --- | --- |\n');
    for (const r of rows) process.stdout.write(`| ${r.entry} | ${r.kb} | ${r.gzip_kb} | ${r.dynamodb ? 'yes' : 'no'} | ${r.session_check ? 'yes' : 'no'} |\n`);
  }
}
