/**
 * `npm run deploy` on a machine that cannot deploy yet: one sentence that says what to do, in seconds,
 * before CDK bundles anything (it used to bundle for minutes, then print "Unable to resolve AWS account").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm run deploy` with a user's bare shell: no AWS settings but the ones given, an empty home. */
function deploy(env: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'udp-home-'));
  const child = spawn('npm', ['run', '--silent', 'deploy'], {
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise<{ code: number | null; output: string }>((done) => child.once('close', (code) => done({ code, output })));
}

describe('npm run deploy, before anything is bundled', () => {
  it('asks for a region when none is set', async () => {
    const { code, output } = await deploy({});
    expect(code).not.toBe(0);
    expect(output).toContain('No AWS region is set: name the one to deploy to, e.g. export AWS_REGION=eu-west-1');
    expect(output).not.toMatch(/Bundling|cdk\.out/);
  });

  it('says how to set up credentials when there are none', async () => {
    const { code, output } = await deploy({ AWS_REGION: 'eu-west-1' });
    expect(code).not.toBe(0);
    expect(output).toContain('No AWS credentials are set up in this shell: run aws configure');
    expect(output).not.toMatch(/Bundling|cdk\.out/);
  });

  it('names the region it could not reach', async () => {
    // A closed port stands in for an AWS endpoint this machine cannot reach.
    const { code, output } = await deploy({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/AWS could not be reached in eu-west-1 \(.*\): check the network and the region, then npm run deploy\./);
  });
});
