/**
 * `npm run bench`: cost, cold starts, warm latency, throughput and password hashing, each measured in
 * one run on this machine against a floor measured in the same run, and every timed call checked for
 * the status it must answer. Writes tools/bench/report.json (figures) and tools/bench/report.md (tables).
 *
 * While iterating: BENCH_ONLY=cold,warm (any of cost, cold, warm, throughput, passwords) runs those
 * phases, BENCH_ROUTES=auth.login,me.get only those routes' functions in cold and warm, BENCH_ROUNDS=3
 * fewer cold rounds; such a run prints its figures and leaves the report as it is.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LAZY_LIBRARIES } from '../../infra/bundling.ts';
import type { RouteId } from '../../shared/routes.ts';
import { ensureTable, freePort, localAwsEnvironment, startDynamoLocal } from '../local/dynamodb.ts';
import { generateLocalEnv } from '../local/env-file.ts';
import { startLocalMail } from '../local/mail.ts';
import { progress } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const API_KEY = 'bench-key';
/** BENCH_QUICK=1: one round, few calls, a small table; to try the bench itself, not for figures. */
const QUICK = process.env.BENCH_QUICK === '1';
const APP_SECRET = generateLocalEnv().APP_SECRET ?? '';
const PHASES = ['cost', 'cold', 'warm', 'throughput', 'passwords'] as const;
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const runs = (phase: (typeof PHASES)[number]) => !only || only.includes(phase);
const onlyRoutes = process.env.BENCH_ROUTES?.split(',').filter(Boolean);
const partial = Boolean(only || onlyRoutes || process.env.BENCH_ROUNDS);

const dynamo = await startDynamoLocal({ port: await freePort() });
process.on('exit', () => dynamo.process.kill('SIGKILL'));
// The routes that mail send to the local SES, as under npm start: a mail is part of their work.
const mail = await startLocalMail({ port: await freePort() });
Object.assign(process.env, localAwsEnvironment(dynamo.endpoint), {
  TABLE_NAME: 'bench',
  APP_SECRET,
  LOCAL_API_KEY: API_KEY,
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_ENDPOINT_URL_SESV2: mail.endpoint,
});
await ensureTable(dynamo.endpoint, 'bench');

// The app's modules read the environment above.
const { functionId } = await import('../../infra/functions.ts');
const { fillSampleEvent, samplePlaceholders } = await import('../local/sample-events.ts');
const { hashPassword } = await import('../../shared/crypto/passwords.ts');
const { routes } = await import('../../shared/routes.ts');
const { FLOOR, startBenchLambda } = await import('./lambda.ts');
const { COLD_TARGETS, measureCold } = await import('./cold.ts');
const { WARM_TARGETS, measureWarm } = await import('./warm.ts');
const { costOf, fillTo } = await import('./cost.ts');
const { measureThroughput } = await import('./throughput.ts');
const { measurePasswords, warmHash } = await import('./passwords.ts');
const { measureBundles } = await import('./bundles.ts');
const { measureFirstUse } = await import('./first-use.ts');
const { writeReport } = await import('./report.ts');

const ids = Object.keys(routes) as RouteId[];
const chosen = (id: RouteId) => !onlyRoutes || onlyRoutes.includes(id);
const eventFile = (id: RouteId) => resolve(ROOT, `events/${id}.json`);
/**
 * The route's sample event, filled from a fresh sample user (an event that writes consumes its own);
 * its passkeys made for the relying party the function knows (`publicUrl`: a bundle's PUBLIC_URL).
 */
const freshEvent = async (id: RouteId, publicUrl?: string) => fillSampleEvent(eventFile(id), await samplePlaceholders(API_KEY, publicUrl));
/** A route answers its success status; one that creates or replaces answers 201 the first time. */
const expected = (id: RouteId): number[] => {
  const route: { status: number; creates?: true } = routes[id];
  return route.creates ? [201, route.status] : [route.status];
};

progress('building every function as the stack does (cdk synth with bundling, and the floor beside them)…');
const { lambda, assemblyDir } = await startBenchLambda({
  dynamoEndpoint: dynamo.endpoint,
  mailEndpoint: mail.endpoint,
  tableName: 'bench',
  appSecret: APP_SECRET,
  apiKey: API_KEY,
});
const bundleOf = (id: string) => {
  const fn = lambda.functions.get(id);
  if (!fn) throw new Error(`no function ${id} in the template`);
  return { dir: fn.codeDir, file: resolve(fn.codeDir, 'index.mjs'), environment: fn.environment };
};
const routeOfFunction = new Map(ids.map((id) => [functionId(routes[id].entry), id]));

// ---- 1. Cost (first, so that the table holds only its filler) -----------------------------------
progress('1/5 cost: consumed capacity of every route that touches the table…');
const perRoute = [];
const costed = runs('cost') ? ids.filter((id) => routes[id].data !== 'none') : [];
for (const id of costed) perRoute.push(await costOf(id, await freshEvent(id), expected(id)));
const SCALED: RouteId[] = ['users.list', 'payments.list', 'kv.list', 'records.lookup'];
const SIZES = QUICK ? [200, 400] : [2_000, 10_000]; // the cost phase leaves about 1,500 items: the table holds at least those
const rcu = new Map(SCALED.map((id) => [id, [] as number[]]));
const fillerHash = await hashPassword('Filler-Password-1');
const scaled = await samplePlaceholders(API_KEY);
const filled: number[] = [];
for (const total of runs('cost') ? SIZES : []) {
  const items = await fillTo(total, fillerHash);
  filled.push(items);
  for (const id of SCALED) rcu.get(id)?.push((await costOf(id, fillSampleEvent(eventFile(id), scaled), expected(id))).rcu);
  progress(`   at ${items} items: ${SCALED.map((id) => `${id} ${rcu.get(id)?.at(-1)} RCU`).join(', ')}`);
}
const costScaling = { items: filled, routes: [...rcu].map(([route, units]) => ({ route, rcu: units, identical: new Set(units).size === 1 })) };

// ---- 2. Cold starts ------------------------------------------------------------------------------
const ROUNDS = Number(process.env.BENCH_ROUNDS) || (QUICK ? 1 : 7);
const coldFunctions = runs('cold') ? [...routeOfFunction].filter(([id]) => ids.some((route) => chosen(route) && functionId(routes[route].entry) === id)) : [];
// A function whose sample request hashes or checks a password (a bcrypt route sent one) is held to the floor
// plus one warm hash: bcrypt is the route's own work. Its other requests, and every other function, to the floor.
const hashesInSample = (id: RouteId) =>
  Boolean((routes[id] as { bcrypt?: true }).bcrypt) && /password/.test(String(JSON.parse(readFileSync(eventFile(id), 'utf8')).body));
for (let i = 0; i < 3; i++) warmHash();
progress(`2/5 cold starts: ${coldFunctions.length} functions and the floor in turn, ${ROUNDS} rounds…`);
const cold = await (coldFunctions.length > 0 ? measureCold : async () => undefined)(
  lambda,
  coldFunctions.map(([id, route]) => ({
    id,
    route,
    expected: expected(route),
    event: () => freshEvent(route, bundleOf(id).environment.PUBLIC_URL),
    hashes: hashesInSample(route),
  })),
  ROUNDS,
  warmHash,
);
progress(`   the heavy libraries' first use, each in a fresh process beside the floor's modules, ${ROUNDS} rounds…`);
const firstUse = coldFunctions.length > 0 ? await measureFirstUse(ROUNDS, mail.endpoint) : [];
const bundles = new Map((coldFunctions.length > 0 ? await measureBundles() : []).map((row) => [row.function, row]));
const bytes = (id: string) => {
  const code = readFileSync(bundleOf(id).file);
  // The lazy libraries' own files beside index.mjs (infra/bundling.ts): read on first use, not at init.
  const lazy = Object.values(LAZY_LIBRARIES).filter((file) => existsSync(resolve(bundleOf(id).dir, file)));
  const lazyKb = lazy.reduce((sum, file) => sum + statSync(resolve(bundleOf(id).dir, file)).size / 1024, 0);
  return { raw_kb: Math.round(code.length / 1024), gzip_kb: Math.round(gzipSync(code).length / 1024), lazy_kb: Math.round(lazyKb) };
};
const coldRows = (cold?.functions ?? []).map((row) => ({
  ...row,
  ...bytes(row.function),
  heavy_libraries: bundles.get(row.function)?.carries ?? [],
  lazy_libraries: bundles.get(row.function)?.lazy ?? [],
  unused_libraries: bundles.get(row.function)?.unused ?? [],
}));
await lambda.close();

// ---- 3. Warm latency ------------------------------------------------------------------------------
const CALLS = QUICK ? 100 : 1000;
const readRoutes = ids.filter(
  (id) => routes[id].method === 'GET' && routes[id].data === 'read' && (runs('warm') ? chosen(id) : runs('throughput') && id === 'kv.get'),
);
progress(`3/5 warm latency: ${CALLS} calls of each read route (${readRoutes.length}) against its raw DynamoDB calls, a process per route…`);
const sample = await samplePlaceholders(API_KEY);
const warm = await measureWarm(
  readRoutes.map((route) => {
    const bundle = bundleOf(functionId(routes[route].entry));
    return {
      route,
      entry: resolve(ROOT, routes[route].entry),
      bundle: bundle.file,
      event: fillSampleEvent(eventFile(route), sample),
      environment: {},
      expected: routes[route].status,
    };
  }),
  runs('warm') ? CALLS : 100,
);

// ---- 4. Throughput ---------------------------------------------------------------------------------
progress('4/5 throughput: GET /kv/{key} through the local gateway to one instance, and a bare server making its raw calls…');
const throughput = await (runs('throughput') ? measureThroughput : async () => undefined)(
  'kv.get',
  '/kv/settings%2Ftheme',
  { 'x-api-key': API_KEY, authorization: `Bearer ${sample.USER_TOKEN}` },
  warm.rawCalls['kv.get'] ?? [],
);

// ---- 5. Passwords ----------------------------------------------------------------------------------
progress('5/5 password hashing…');
const passwords = runs('passwords')
  ? await measurePasswords(() => fillSampleEvent(eventFile('auth.login'), sample), cold?.warm_hash_ms ?? warmHash())
  : undefined;

const report = {
  measured_at: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
  cold_start: cold && {
    targets: COLD_TARGETS,
    rounds: cold.rounds,
    warm_hash_ms: cold.warm_hash_ms,
    floor: { function: FLOOR, ...cold.floor },
    functions: coldRows,
    first_use: firstUse,
  },
  warm_latency: { targets: WARM_TARGETS, calls: CALLS, routes: warm.rows },
  cost: { per_route: perRoute, scaling: costScaling },
  throughput,
  passwords,
};
if (!partial && report.cold_start && throughput && passwords) writeReport({ ...report, cold_start: report.cold_start, throughput, passwords });
else console.log(JSON.stringify(report, null, 2));
rmSync(assemblyDir, { recursive: true, force: true });
await dynamo.stop();
progress(partial ? 'done (a partial run: the report is left as it is)' : 'done: tools/bench/report.md and tools/bench/report.json');
process.exit(0);
