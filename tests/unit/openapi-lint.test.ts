/**
 * The OpenAPI document under Spectral's `oas` ruleset and Redocly's recommended rules: no finding of
 * any severity. It is linted as a deployment serves it (the stage's own address as its server):
 * locally the server is http://localhost:…, which Redocly's no-server-example.com rightly flags.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { type RulesetDefinition, Spectral } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/openapi.ts';
import type { Json } from '../../tools/values.ts';

const document: Json = openApiDocument('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod');

describe('the OpenAPI document', () => {
  it("has no finding under Spectral's oas ruleset", async () => {
    const spectral = new Spectral();
    // The package's declared type of `oas` does not match RulesetDefinition's, though the object is one.
    spectral.setRuleset({ extends: [[oas as RulesetDefinition, 'recommended']] });
    const findings = await spectral.run(document);
    expect(findings.map((f) => `${f.code} at ${f.path.join('.')}: ${f.message}`)).toEqual([]);
  });

  it("has no finding under Redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const findings = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    expect(findings.map((f) => `${f.ruleId} at ${f.location[0]?.pointer}: ${f.message}`)).toEqual([]);
  });

  it('has an example for every request and response body (the linters check each against its schema)', () => {
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const bodies = [['request', op.requestBody], ...Object.entries(op.responses as Json)];
        for (const [what, body] of bodies) {
          for (const [type, media] of Object.entries((body?.content ?? {}) as Record<string, Json>)) {
            if (media.example === undefined) missing.push(`${method.toUpperCase()} ${path} ${what} ${type}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
