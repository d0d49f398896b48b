/** `npx cdk synth` with the pinned CLI, offline, exactly as a user runs it (cdk-nag included), with and without a region. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { paramsAndSecretsLayers } from '../../infra/params-and-secrets-layers.ts';
import { NO_REGION } from '../../infra/region.ts';
import type { Json } from '../../tools/values.ts';

/** The environment of a machine with no AWS account and no region anywhere, plus `extra`. */
function cleanEnvironment(extra: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'udp-home-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS|AMAZON|CDK)_/.test(name)));
  // No ~/.aws of this machine's user, and no EC2 metadata lookup.
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

const synth = (out: string, env: NodeJS.ProcessEnv) => promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', out], { env, timeout: 180_000 });

it('refuses to synthesize without a region, in one sentence, instead of deploying to us-east-1 unasked', async () => {
  const out = mkdtempSync(join(tmpdir(), 'udp-synth-'));
  const failed = await synth(out, cleanEnvironment({})).then(
    () => undefined,
    (error: { stderr: string }) => error,
  );
  expect(failed?.stderr).toContain(NO_REGION);
  expect(existsSync(join(out, 'UserDataPlatform.template.json'))).toBe(false);
}, 200_000);

it('synthesizes the app with the pinned CLI, no AWS account and the region of the AWS profile', async () => {
  const out = mkdtempSync(join(tmpdir(), 'udp-synth-'));
  const env = cleanEnvironment({});
  writeFileSync(env.AWS_CONFIG_FILE, '[default]\nregion = eu-central-2\n');
  await synth(out, env);
  const template = JSON.parse(readFileSync(join(out, 'UserDataPlatform.template.json'), 'utf8'));
  const nested = Object.values(template.Resources).filter((r: Json) => r.Type === 'AWS::CloudFormation::Stack') as Json[];
  expect(nested.length).toBeGreaterThan(5);
  const functions = nested.flatMap((stack) =>
    Object.values(JSON.parse(readFileSync(join(out, stack.Metadata['aws:asset:path']), 'utf8')).Resources).filter(
      (r: Json) => r.Type === 'AWS::Lambda::Function',
    ),
  ) as Json[];
  expect(functions.length).toBeGreaterThan(5);
  // The region's own extension layer, by its ARN: no lookup left for deploy time.
  expect(new Set(functions.flatMap((fn) => fn.Properties.Layers ?? []))).toEqual(new Set([paramsAndSecretsLayers.arm64['eu-central-2']]));
  expect(existsSync(join(out, 'validation-report.json'))).toBe(true);
  expect(JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')).pluginReports.every((r: Json) => r.conclusion !== 'failure')).toBe(true);
}, 200_000);
