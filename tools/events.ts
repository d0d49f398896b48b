/**
 * `npm run events`: writes events/<route-id>.json, one sample REST v1 proxy event per route, from the
 * route table (tools/local/sample-events.ts), formatted as Biome formats the project.
 * tests/integration/events.test.ts fails when a file is missing, stale or left over.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RouteId, routes } from '../shared/routes.ts';
import { sampleEvent } from './local/sample-events.ts';

export const EVENTS_DIR = fileURLToPath(new URL('../events', import.meta.url));
const BIOME = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of readdirSync(EVENTS_DIR)) if (file.endsWith('.json')) rmSync(resolve(EVENTS_DIR, file));
  for (const id of Object.keys(routes) as RouteId[]) writeFileSync(resolve(EVENTS_DIR, `${id}.json`), JSON.stringify(sampleEvent(id)));
  const biome = spawnSync(BIOME, ['format', '--write', EVENTS_DIR], { encoding: 'utf8' });
  if (biome.status !== 0) throw new Error(`Biome could not format the events: ${biome.stderr}`);
  console.log(`Wrote ${Object.keys(routes).length} events to events/`);
}
