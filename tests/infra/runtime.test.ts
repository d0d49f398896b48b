/** One runtime everywhere: what the stack deploys is what npm ci installs, esbuild targets and the tests run on. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { functionBundling } from '../../infra/bundling.ts';
import { esbuildTarget, lambdaRuntime } from '../../infra/runtime.ts';

const major = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1]);

it('runs the tests on the Node major the functions run on', () => {
  expect(major(process.version)).toBe(lambdaRuntime.nodeMajor);
});

it('installs that Node with npm ci (package.json) and bundles for it', () => {
  const { devDependencies } = JSON.parse(readFileSync('package.json', 'utf8'));
  expect(major(devDependencies.node)).toBe(lambdaRuntime.nodeMajor);
  expect(lambdaRuntime.name).toBe(`nodejs${lambdaRuntime.nodeMajor}.x`);
  expect(functionBundling().target).toBe(esbuildTarget);
  expect(esbuildTarget).toBe(`node${lambdaRuntime.nodeMajor}`);
});
