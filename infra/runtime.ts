/**
 * The Lambda runtime, declared once. The stack's functions, esbuild's target and the Node that
 * `npm ci` installs for tests, `npm start` and the bench (package.json's `node` devDependency) all
 * follow it; tests/infra/runtime.test.ts fails when one of them drifts.
 */
export const lambdaRuntime = { name: 'nodejs24.x', nodeMajor: 24, architecture: 'arm64' } as const;

export const esbuildTarget = `node${lambdaRuntime.nodeMajor}`;
