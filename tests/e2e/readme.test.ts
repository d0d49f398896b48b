/**
 * The README works as pasted: every block fenced as plain `bash` runs, as written, in one shell
 * against a local gateway (`http://localhost:3000` pointed at it, `.env.local` holding its API key),
 * and every curl in it must get a 2xx. Blocks that need something else say so in their fence:
 * `bash aws` (an AWS account), `bash npm-start` (a running npm start: tests/e2e/local-loop-*.test.ts
 * run those commands), `bash fresh-machine` (npm ci; .ci/run does that).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { API_KEY, useGateway } from '../support/api.ts';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const REASONS = new Set(['aws', 'npm-start', 'fresh-machine']);
const blocks = [...README.matchAll(/^```bash([^\n]*)\n([\s\S]*?)^```/gm)].map(([, tags = '', code = '']) => ({ tags: tags.trim(), code }));

describe('README', () => {
  const gateway = useGateway();

  it('marks every bash block it does not run with the reason', () => {
    expect(blocks.filter(({ tags }) => tags !== '' && !REASONS.has(tags)).map(({ tags }) => tags)).toEqual([]);
    expect(blocks.filter(({ tags }) => tags === '').length).toBeGreaterThanOrEqual(2);
  });

  it('runs its plain bash blocks as written against a local gateway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'udp-readme-'));
    writeFileSync(join(dir, '.env.local'), `LOCAL_API_KEY=${API_KEY}\n`);
    const runnable = blocks.filter(({ tags }) => tags === '').map(({ code }) => code.replaceAll('http://localhost:3000', gateway.api.baseUrl));
    // A failed request fails the script: curl exits non-zero on a 4xx or 5xx and prints the problem.
    const script = ['set -euo pipefail', 'curl() { command curl --fail-with-body "$@"; }', ...runnable].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: dir }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`a README block failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(stdout).toContain('"email":"jane-');
    expect(stdout).toContain('"next_cursor"');
  });
});
