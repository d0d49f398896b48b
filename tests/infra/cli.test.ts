/** `npx cdk synth` with the pinned CLI, offline, exactly as a user runs it (cdk-nag included). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import type { Json } from '../../tools/values.ts';

it('synthesizes the app with the pinned CLI and no AWS account', async () => {
  const out = mkdtempSync(join(tmpdir(), 'udp-synth-'));
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...env } = process.env;
  await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', out], { env, timeout: 180_000 });
  const template = JSON.parse(readFileSync(join(out, 'UserDataPlatform.template.json'), 'utf8'));
  expect(Object.values(template.Resources).filter((r: Json) => r.Type === 'AWS::Lambda::Function').length).toBeGreaterThan(5);
  expect(existsSync(join(out, 'validation-report.json'))).toBe(true);
  expect(JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')).pluginReports.every((r: Json) => r.conclusion !== 'failure')).toBe(true);
}, 200_000);
