/** tools/bench/report.json (the figures) and tools/bench/report.md (the same as tables), from one run. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ColdRow } from './cold.ts';
import type { CostRow } from './cost.ts';
import type { FirstUseRow } from './first-use.ts';
import type { Statuses } from './stats.ts';
import type { WarmRow } from './warm.ts';

export interface Report {
  measured_at: string;
  machine: { node: string; cpus: number; cpu: string };
  cold_start: {
    targets: { init: number; firstInvocation: number };
    rounds: number;
    /** One warm hash at the configured cost, added to the floor of the functions that hash or check a password. */
    warm_hash_ms: number;
    floor: { function: string; init_ms: number; first_request_ms: number; first_invocation_ms: number; second_request_ms: number; statuses: Statuses };
    functions: (ColdRow & {
      raw_kb: number;
      gzip_kb: number;
      lazy_kb: number;
      heavy_libraries: string[];
      lazy_libraries: string[];
      unused_libraries: string[];
    })[];
    /** Each heavy library's first use in a fresh process, beyond the floor's modules. */
    first_use: FirstUseRow[];
  };
  warm_latency: { targets: { p50: number; p99: number }; calls: number; routes: WarmRow[] };
  cost: { per_route: CostRow[]; scaling: { items: number[]; routes: { route: string; rcu: number[]; identical: boolean }[] } };
  throughput: {
    route: string;
    connections: number;
    seconds: number;
    turns: number;
    ratio: number;
    in_thread_ratio: number;
    gateway: { requests_per_second: number; p50_ms: number; p99_ms: number; statuses: Statuses };
    in_thread: { requests_per_second: number; p50_ms: number; p99_ms: number; statuses: Statuses };
    bare: { requests_per_second: number; p50_ms: number; p99_ms: number; statuses: Statuses };
  };
  passwords: {
    bcrypt_cost: number;
    hash_ms_by_cost: Record<number, number>;
    login_ms_median: number;
    login_statuses: Statuses;
    lambda_memory_mb_for_300ms: number;
    login_ms_at_1024mb: number;
    stack_memory_mb: number;
    login_ms_at_stack_memory: number;
  };
}

const table = (headers: string[], rows: (string | number | boolean | undefined)[][]) =>
  [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const mark = (ok: boolean) => (ok ? 'yes' : '**no**');
const statuses = (s: Statuses) =>
  Object.entries(s)
    .map(([status, count]) => `${count}× ${status}`)
    .join(', ');
const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`;
const within = <T>(rows: T[], ok: (row: T) => boolean) => `${rows.filter(ok).length} of ${rows.length}`;

export function markdown(r: Report): string {
  const { cold_start: cold, warm_latency: warm, throughput: tp, passwords: pw } = r;
  const initOk = (row: ColdRow) => row.init_ratio <= cold.targets.init;
  const firstOk = (row: ColdRow) => row.first_invocation_ratio <= cold.targets.firstInvocation;
  /** What the first-invocation target allows beyond the function's floor (the floor's first invocation, plus a warm hash). */
  const allowance = (row: ColdRow) => (cold.targets.firstInvocation - 1) * (cold.floor.first_invocation_ms + row.hash_ms);
  const initOver = (row: ColdRow) => row.init_ms - cold.floor.init_ms;
  /** The request's work done warm, beyond the floor's warm GetItem and the hash the floor allows for. */
  const ownWork = (row: ColdRow) => row.second_request_ms - cold.floor.second_request_ms - row.hash_ms;
  /** What the first request costs beyond the same request warm, beyond the floor's same difference. */
  const firstTimeOnly = (row: ColdRow) => row.first_request_ms - row.second_request_ms - (cold.floor.first_request_ms - cold.floor.second_request_ms);
  const p50Ok = (row: WarmRow) => row.p50_ratio <= warm.targets.p50;
  const p99Ok = (row: WarmRow) => row.p99_ratio <= warm.targets.p99;
  return `# Benchmark report

Measured ${r.measured_at} on this machine (Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpu}), DynamoDB Local in memory.
Every figure is compared with a floor measured in the same run, and counts only calls that answered the status they must (the status columns).
Regenerate with \`npm run bench\` whenever the measured code changes.

## 1. Cold start as Lambda pays it (median of ${cold.rounds} rounds)

Each function's shipped bundle starts in a fresh runtime (the real Lambda runtime interface client on Node 24, with its template's environment, IAM and the secrets extension) and serves its route's sample event. The floor, a function that only imports the DynamoDB document client and reads one item (bundled alike, default memory), starts before every function (A B A B); each ratio is the median of the pairs' ratios.

Floor: load-and-init **${cold.floor.init_ms} ms**, first request ${cold.floor.first_request_ms} ms, first invocation (init + first request) **${cold.floor.first_invocation_ms} ms**, a second request ${cold.floor.second_request_ms} ms. One warm bcrypt hash at the configured cost, measured in this run: **${cold.warm_hash_ms} ms**.
Targets: load-and-init within ${cold.targets.init}× the floor's (${within(cold.functions, initOk)} functions), first invocation within ${cold.targets.firstInvocation}× the floor's, for a function that hashes or checks a password the floor's plus one warm hash (${within(cold.functions, firstOk)}).

### Bundles: what each function carries

Each function's shipped bundle (index.mjs), its load-and-init (median, and against the floor's), and the heavy libraries it carries after tree shaking (over 1 KB of their code; \`tools/bench/bundles.ts\`), against what its routes declare they use: the last column must be empty (\`tests/infra/bundle-contents.test.ts\`). The libraries marked *own file* ship beside index.mjs as files of their own, read on their first use, not at init (\`infra/bundling.ts\`, \`LAZY_LIBRARIES\`): their KB are the last but one column.

${table(
  ['function', 'KB (gzip)', 'load-and-init ms', 'init × floor', 'heavy libraries', 'own files KB', 'carried but unused'],
  cold.functions.map((f) => [
    f.function,
    `${f.raw_kb} (${f.gzip_kb})`,
    f.init_ms,
    `${f.init_ratio}${initOk(f) ? '' : ' **over**'}`,
    f.heavy_libraries.map((name) => (f.lazy_libraries.includes(name) ? `${name} (*own file*)` : name)).join(', ') || '—',
    f.lazy_kb || '—',
    f.unused_libraries.join(', ') || '—',
  ]),
)}

### First invocation

What a function's first invocation costs beyond its floor's is split in three (medians, so the parts add up only roughly): its **init** beyond the floor's; its request's **own work**, as a second (warm) request does it, beyond the floor's warm GetItem (and beyond the warm hash its floor already allows); and what its first request costs **only the first time** beyond the floor's first request (the libraries' first use, first calls of the SDK's other commands, code run once). The target allows ${Math.round((cold.targets.firstInvocation - 1) * 100)}% of its floor for all three (**allowance**). ${within(
    cold.functions.filter((f) => !firstOk(f)),
    (f) => firstTimeOnly(f) > allowance(f),
  )} functions over the target spend more than the whole allowance on what their first request costs only the first time, and ${within(
    cold.functions.filter((f) => !firstOk(f)),
    (f) => initOver(f) + ownWork(f) > allowance(f),
  )} on their init and their request's own work alone.

${table(
  [
    'function',
    'route',
    'init ms',
    'first request ms',
    'first invocation ms',
    'second request ms',
    'its floor ms',
    'first invocation × its floor',
    'ms over its floor',
    'allowance ms',
    'of which init',
    'own work',
    'first time only',
    'statuses',
  ],
  cold.functions.map((f) => [
    f.function,
    f.route,
    f.init_ms,
    f.first_request_ms,
    f.first_invocation_ms,
    f.second_request_ms,
    f.hash_ms ? `${cold.floor.first_invocation_ms} + ${f.hash_ms} (hash)` : cold.floor.first_invocation_ms,
    `${f.first_invocation_ratio}${firstOk(f) ? '' : ' **over**'}`,
    Math.round(f.first_invocation_ms - cold.floor.first_invocation_ms - f.hash_ms),
    Math.round(allowance(f)),
    Math.round(initOver(f)),
    Math.round(ownWork(f)),
    Math.round(firstTimeOnly(f)),
    statuses(f.statuses),
  ]),
)}

### What each heavy library costs at its first use

The targets above hold every function to the floor (plus one warm hash). A function whose first request uses one of these libraries also pays, once per cold start, what this table measures in the same run (\`tools/bench/first-use.ts\`): each library used as the functions use it (the same shared module, bundled alike, its own files beside), in a fresh Node process that also loads the floor's modules and serves the floor's request first (as a function's first request has made its DynamoDB calls before it mails, so the SDK's own first-call work is not counted twice), ${cold.rounds} rounds, each starting the floor's probe and then each library's. First-use overhead = (load − the floor's load in the same round) + (first use − second use), the rounds' median: what the cold start costs beyond the same work done warm.

${table(
  ['library', 'one use', 'bundle KB', 'load ms', 'load over the floor ms', 'first use ms', 'second use ms', 'first-use overhead ms', 'statuses'],
  cold.first_use.map((u) => [
    u.library,
    u.use,
    u.kb,
    u.load_ms,
    u.load_over_floor_ms,
    u.first_use_ms,
    u.second_use_ms,
    u.first_use_overhead_ms,
    statuses(u.statuses),
  ]),
)}

## 2. Warm latency (${warm.calls} calls per route, in process)

Each read route's shipped handler runs in a process of its own, as on Lambda, beside the DynamoDB calls it makes, recorded from the route itself and replayed as raw SDK calls (calls the route has in flight together are replayed together), and beside one bare GetItem, interleaved in rounds of 50. Target: p50 within ${warm.targets.p50}× and p99 within ${warm.targets.p99}× of the raw calls: the handler's own share. Every authenticated request reads its session (revocation at once); that read is among the raw calls.

${table(
  [
    'route',
    'raw calls',
    'p50 ms',
    'raw p50 ms',
    'p50 × raw',
    `within ${warm.targets.p50}×`,
    'p99 ms',
    'raw p99 ms',
    'p99 × raw',
    `within ${warm.targets.p99}×`,
    'bare GetItem p50 ms',
    'p50 × bare GetItem',
    'statuses',
  ],
  warm.routes.map((w) => [
    w.route,
    w.raw_calls,
    w.p50_ms,
    w.raw_p50_ms,
    w.p50_ratio,
    mark(p50Ok(w)),
    w.p99_ms,
    w.raw_p99_ms,
    w.p99_ratio,
    mark(p99Ok(w)),
    w.bare_get_p50_ms,
    w.p50_ratio_to_bare_get,
    statuses(w.statuses),
  ]),
)}

p50 within target: ${within(warm.routes, p50Ok)} routes (ratios ${range(warm.routes.map((w) => w.p50_ratio))}); p99: ${within(warm.routes, p99Ok)} (${range(warm.routes.map((w) => w.p99_ratio))}). Against one bare GetItem: ${range(warm.routes.map((w) => w.p50_ratio_to_bare_get))}× (DynamoDB Local reads a BatchGetItem's keys one after the other; DynamoDB reads them in parallel).

## 3. Cost (capacity units per request)

DynamoDB Local reports consumed capacity but counts a transactional write once; AWS bills it twice (prepare and commit), so the AWS column doubles what went through TransactWriteItems.

${table(
  ['route', 'status', 'RCU', 'WCU (local)', 'WCU (AWS rules)'],
  r.cost.per_route.map((c) => [c.route, c.status, c.rcu, c.wcu_local, c.wcu_aws]),
)}

Lists and lookups with ${r.cost.scaling.items.map((n) => n.toLocaleString('en')).join(' and ')} items in the table, the filler written through the repositories (target: identical):

${table(
  ['route', ...r.cost.scaling.items.map((n) => `RCU at ${n.toLocaleString('en')}`), 'identical'],
  r.cost.scaling.routes.map((s) => [s.route, ...s.rcu, mark(s.identical)]),
)}

## 4. Throughput (${tp.route}, one function instance, ${tp.connections} connection, ${tp.turns} turns of ${tp.seconds / tp.turns} s each)

${table(
  ['server', 'req/s', 'p50 ms', 'p99 ms', 'statuses'],
  [
    ['local API Gateway + one instance of the function', tp.gateway.requests_per_second, tp.gateway.p50_ms, tp.gateway.p99_ms, statuses(tp.gateway.statuses)],
    ['bare node:http + the same raw DynamoDB calls', tp.bare.requests_per_second, tp.bare.p50_ms, tp.bare.p99_ms, statuses(tp.bare.statuses)],
    [
      'for comparison: the local API Gateway calling the handler on its own thread (no worker)',
      tp.in_thread.requests_per_second,
      tp.in_thread.p50_ms,
      tp.in_thread.p99_ms,
      statuses(tp.in_thread.statuses),
    ],
  ],
)}

Ratio: **${tp.ratio}×** (target 0.9×; the median of the turns' ratios: the two servers run side by side and take turns, so that drift in the machine's load hits both alike). An instance serves one request at a time and shares nothing with other requests, as on Lambda; the gateway adds its own work (the usage plan, the event, the worker thread hop) to the function's. Without the hop (the handler on the gateway's own thread, which gives up the isolation of one instance from another and from the gateway): **${tp.in_thread_ratio}×**; the difference is the worker thread hop.

## 5. Password hashing

bcrypt cost in use: **${pw.bcrypt_cost}** (OWASP's floor is 10). One hash here (bcryptjs, one core): ${Object.entries(pw.hash_ms_by_cost)
    .map(([c, ms]) => `cost ${c}: ${ms} ms`)
    .join(', ')}. Login (whole handler, median of 10, ${statuses(pw.login_statuses)}): **${pw.login_ms_median} ms**.

Lambda gives a function one full vCPU at 1,769 MB and a proportional share below; bcrypt runs on one core, so more memory than that does not help. Assuming one core here ≈ one Lambda vCPU, login stays under 300 ms from **${pw.lambda_memory_mb_for_300ms} MB** (at 1,024 MB about ${pw.login_ms_at_1024mb} ms). The stack gives the functions that hash or check passwords ${pw.stack_memory_mb} MB: about **${pw.login_ms_at_stack_memory} ms** there.
`;
}

export function writeReport(report: Report) {
  const dir = import.meta.dirname;
  writeFileSync(resolve(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(resolve(dir, 'report.md'), markdown(report));
}
