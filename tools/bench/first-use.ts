/**
 * Part of phase 2: what each heavy library costs the first time a fresh process uses it, the way the
 * functions use it (the same shared module, bundled with the stack's own esbuild options). Every probe
 * also loads what the floor loads (the DynamoDB client, which brings the SDK's core and Node's HTTP
 * modules), so its figures are the library's on top of the floor. Each runs in a fresh Node process
 * per round: loading its bundle, the floor's request, its first use, then the same use again (warm). The first-use
 * overhead is (load − the floor probe's load) + (first use − second use): what a cold start pays for
 * the library beyond its work done warm. The first-invocation targets hold every function to the
 * floor (plus one warm hash); this is what a function whose first request uses a library pays on top.
 * Every use must succeed: a bcrypt hash, a password zxcvbn scores unguessable, a TOTP code accepted,
 * a passkey assertion verified, a mail the local SES stored.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Secret } from 'otpauth';
import { esbuildOptions, LAZY_LIBRARIES, lazyLibraryOptions } from '../../infra/bundling.ts';
import { SoftwareAuthenticator } from '../local/software-authenticator.ts';
import { assertOnly, countStatus, median, round, type Statuses } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface Probe {
  library: string;
  /** What one use does. */
  use: string;
  /** The probe's module: exports use(input, i), i = 0 for the first use, 1 for the second. */
  source: string;
}

/**
 * Every probe loads the floor's module first (its DynamoDB client, created at load as the floor does)
 * and serves the floor's request (one GetItem) before the library's first use: a function's first
 * request has made its DynamoDB calls by then, so the SDK's own first-call work (the credentials, the
 * signer, the HTTP agent) is the floor's, not counted again against the SES client.
 */
const FLOOR_IMPORT = "export { handler as floorRequest } from './tools/bench/floor.ts';\n";

const PROBES: Probe[] = [
  { library: 'none (the floor)', use: 'nothing: the load is the floor’s, the baseline of the others', source: 'export const use = () => undefined;' },
  {
    library: 'bcryptjs',
    use: 'hash a password at the configured cost (shared/crypto/passwords.ts)',
    source: `import { hashPassword } from './shared/crypto/passwords.ts';
export const use = () => hashPassword('Correct-Horse-Battery-9');`,
  },
  {
    library: '@zxcvbn-ts',
    use: "check a password's strength (shared/services/password-strength.ts: reading its own files, the dictionaries, one estimate)",
    source: `import { assertUnguessable } from './shared/services/password-strength.ts';
export const use = () => assertUnguessable('Quiet-Lantern-Orbit-47', ['probe@example.com', 'Probe User']);`,
  },
  {
    library: 'otpauth',
    use: 'accept a current TOTP code',
    source: `import { Secret, TOTP } from 'otpauth';
export const use = ({ secret }) => {
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  if (totp.validate({ token: totp.generate(), window: 1 }) === null) throw new Error('code refused');
};`,
  },
  {
    library: '@simplewebauthn/server',
    use: 'verify a passkey assertion (reading its own file, as shared/services/webauthn.ts does, and the signature check)',
    source: `export async function use({ assertions, challenges, credentialId, publicKey, origin, rpId }, i) {
  const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
  const { verified } = await verifyAuthenticationResponse({
    response: assertions[i],
    expectedChallenge: challenges[i],
    expectedOrigin: origin,
    expectedRPID: rpId,
    credential: { id: credentialId, publicKey: Buffer.from(publicKey, 'base64url'), counter: i, transports: [] },
    requireUserVerification: false,
  });
  if (!verified) throw new Error('assertion not verified');
}`,
  },
  {
    library: 'SES client',
    use: 'send a mail to the local SES (shared/mail/send.ts: its import(), inside the bundle, the client, one SendEmail)',
    source: `import { sendMail } from './shared/mail/send.ts';
export const use = ({ to }, i) => sendMail({ to: to[i], subject: 'First use', text: 'The SES client, used once.' });`,
  },
];

/** Runs in each fresh process: the three timings, one JSON line. */
const HARNESS = `
const input = JSON.parse(process.env.PROBE_INPUT);
const t0 = performance.now();
const probe = await import(process.env.PROBE_BUNDLE);
const t1 = performance.now();
await probe.floorRequest();
const t2 = performance.now();
await probe.use(input, 0);
const t3 = performance.now();
await probe.use(input, 1);
const t4 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, first: t3 - t2, second: t4 - t3 }));`;

export interface FirstUseRow {
  library: string;
  use: string;
  /** The probe's bundle, and the lazy files it imports (infra/bundling.ts), as a function ships them. */
  kb: number;
  load_ms: number;
  first_use_ms: number;
  second_use_ms: number;
  /** Load beyond the floor probe's in the same round (median): the library's share of a function's init. */
  load_over_floor_ms: number;
  /** (load − the floor probe's load in the same round) + (first use − second use): the rounds' median. */
  first_use_overhead_ms: number;
  statuses: Statuses;
}

/** Fresh inputs for round `round`: two assertions over fresh challenges, two new addresses. */
function inputs(round: number) {
  const origin = 'https://probe.example.com';
  const authenticator = new SoftwareAuthenticator(origin);
  authenticator.create({ challenge: 'registration', rp: { id: 'probe.example.com' }, user: { id: 'probe-user' } });
  const challenges = [`probe-${round}-a`, `probe-${round}-b`].map((c) => Buffer.from(c).toString('base64url'));
  const assertions = challenges.map((challenge) => authenticator.get({ challenge, rpId: 'probe.example.com', allowCredentials: [] }));
  const [credential] = authenticator.credentials;
  return {
    secret: new Secret({ size: 20 }).base32,
    assertions,
    challenges,
    credentialId: assertions[0]?.id,
    publicKey: credential?.publicKey,
    origin,
    rpId: 'probe.example.com',
    to: [`first-use-${round}-a@example.com`, `first-use-${round}-b@example.com`],
  };
}

/** Whether the local SES stored a mail to each address (a refused mail is logged and swallowed by sendMail). */
async function delivered(mailEndpoint: string, addresses: string[]): Promise<boolean> {
  const { emails } = (await (await fetch(`${mailEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
  return addresses.every((address) => emails.some((mail) => mail.destination.to.includes(address)));
}

interface Timing {
  load: number;
  first: number;
  second: number;
}

/** Bundles a probe (after the floor's import) with the stack's esbuild options; its file and size, with the lazy files it imports. */
async function bundleProbe(probe: Probe, outfile: string, lazyKb: Map<string, number>) {
  const result = await build({
    stdin: { contents: FLOOR_IMPORT + probe.source, resolveDir: ROOT, loader: 'ts', sourcefile: `${probe.library} probe` },
    ...esbuildOptions,
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const lazy = (output?.imports ?? []).reduce((sum, { path }) => sum + (lazyKb.get(path) ?? 0), 0);
  return { probe, outfile, kb: round((output?.bytes ?? 0) / 1024 + lazy, 0), times: [] as Timing[], statuses: {} as Statuses };
}

/** The lazy libraries' own files in `dir/lazy/`, beside the probes as beside a function's index.mjs; their KB by import path. */
async function bundleLazyLibraries(dir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const [library, file] of Object.entries(LAZY_LIBRARIES)) {
    const result = await build({ ...lazyLibraryOptions(library as keyof typeof LAZY_LIBRARIES, dir), metafile: true, logLevel: 'error' });
    sizes.set(`./${file}`, (Object.values(result.metafile.outputs)[0]?.bytes ?? 0) / 1024);
  }
  return sizes;
}

/** One fresh process: the probe's timings, or the reason it failed as its status. */
async function runProbe(probe: Probe, outfile: string, round: number, mailEndpoint: string): Promise<{ status: string; timing?: Timing }> {
  const input = inputs(round);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', HARNESS], {
      env: { ...process.env, PROBE_BUNDLE: outfile, PROBE_INPUT: JSON.stringify(input) },
    });
    if (probe.library === 'SES client' && !(await delivered(mailEndpoint, input.to))) return { status: 'not delivered' };
    return { status: 'ok', timing: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') };
  } catch (error) {
    return { status: error instanceof Error ? error.message.split('\n')[0]?.slice(0, 80) || 'error' : 'error' };
  }
}

/** Every round starts each probe once, the floor's first, so that drift in the machine's load hits them alike. */
export async function measureFirstUse(rounds: number, mailEndpoint: string): Promise<FirstUseRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'first-use-'));
  try {
    const lazyKb = await bundleLazyLibraries(dir);
    const probes = await Promise.all(PROBES.map((probe, index) => bundleProbe(probe, join(dir, `probe-${index}.mjs`), lazyKb)));
    for (let round = 0; round < rounds; round++) {
      for (const bundled of probes) {
        const { status, timing } = await runProbe(bundled.probe, bundled.outfile, round, mailEndpoint);
        countStatus(bundled.statuses, status);
        if (timing) bundled.times.push(timing);
      }
    }
    for (const { probe, statuses } of probes) assertOnly(statuses, ['ok'], `first use of ${probe.library}`);
    const floor = probes[0]?.times ?? [];
    return probes.map(({ probe, kb, times, statuses }) => ({
      library: probe.library,
      use: probe.use,
      kb,
      load_ms: round(median(times.map((t) => t.load)), 1),
      load_over_floor_ms: round(median(times.map((t, i) => t.load - (floor[i]?.load ?? 0))), 1),
      first_use_ms: round(median(times.map((t) => t.first)), 1),
      second_use_ms: round(median(times.map((t) => t.second)), 1),
      first_use_overhead_ms: round(median(times.map((t, i) => t.load - (floor[i]?.load ?? 0) + t.first - t.second)), 1),
      statuses,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
