/**
 * The shipped artifact works, not only the TypeScript: synthesize the stack with real bundling
 * (the stack's own esbuild options), then invoke every function's bundle with its sample event
 * against DynamoDB Local.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillSampleEvent, samplePlaceholders } from '../../infra/local/sample-events.ts';
import { functionId } from '../../infra/functions.ts';
import { UserDataStack } from '../../infra/stack.ts';
import { routes, type RouteDef } from '../../shared/routes.ts';

const outdir = mkdtempSync(join(tmpdir(), 'udp-cdk-'));
const bundles = new Map<string, string>();

beforeAll(() => {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new UserDataStack(app, 'Bundled');
  app.synth();
  for (const [logicalId, fn] of Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'))) {
    bundles.set(logicalId.replace(/Function[0-9A-F]{8}$/, ''), join(outdir, (fn as any).Metadata['aws:asset:path'], 'index.mjs'));
  }
}, 120_000);

describe('function bundles', () => {
  it('are minified ESM with the AWS SDK inside and no source map', () => {
    expect(bundles.size).toBe(new Set(Object.values(routes).map((r) => r.entry)).size);
    for (const file of bundles.values()) {
      const code = readFileSync(file, 'utf8');
      expect(code).toMatch(/^import\{createRequire as __createRequire\}|^import \{ createRequire as __createRequire \}/);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//); // bundled, not the runtime's copy
      expect(code).not.toContain('sourceMappingURL');
      expect(code.length / code.split('\n').length).toBeGreaterThan(2000); // minified: long lines
      expect(statSync(file).size).toBeGreaterThan(10_000);
    }
  });

  it.each(Object.entries(routes) as [string, RouteDef][])('%s: the bundle answers its sample event', async (routeId, route) => {
    const bundle = bundles.get(functionId(route.entry))!;
    const { handler } = await import(pathToFileURL(bundle).href);
    const event = fillSampleEvent(`events/${routeId}.json`, await samplePlaceholders('sample-key'));
    const result = await handler(event, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => 10_000 });
    expect(result.statusCode, result.body).toBe(route.status);
    const type = result.headers['content-type'] ?? '';
    if (type === 'application/json') expect(JSON.parse(result.body)).toBeTypeOf('object');
    else if (route.produces) expect(route.produces.some((p) => type.startsWith(p)) && result.body.length > 100, type).toBe(true);
  });
});
