/**
 * AWS's Lambda Runtime Interface Client (aws-lambda-ric), which the bundle tests and the bench run
 * functions under. Its native part is compiled from source at install (cmake, make, a C++ compiler,
 * minutes of CPU), so it is not among the project's dependencies, which `npm start` needs: it is
 * built on first use from tools/runtime/ric/ (its pinned version and lockfile) into a git-ignored
 * .cache/ directory, once per version, lockfile, platform and Node major.
 *
 *   node --import tsx tools/runtime/ric.ts     # builds it ahead of time (.ci/run does)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = resolve(import.meta.dirname, 'ric');
const FILES = ['package.json', 'package-lock.json'];
/** What its install scripts call: cmake and make for curl and aws-lambda-cpp, node-gyp (python3) and g++ for the addon. */
export const TOOLCHAIN = ['cmake', 'make', 'g++', 'python3'];

const version = (): string => JSON.parse(readFileSync(join(SOURCE, 'package.json'), 'utf8')).dependencies['aws-lambda-ric'];

/** Where this version, lockfile, platform and Node major build to; `cacheRoot` is for tests. */
export function runtimeClientDir(cacheRoot = resolve(ROOT, '.cache/aws-lambda-ric')): string {
  const hash = createHash('sha256');
  for (const file of FILES) hash.update(readFileSync(join(SOURCE, file)));
  const node = `node${process.versions.node.split('.')[0]}`;
  return join(cacheRoot, `${version()}-${process.platform}-${process.arch}-${node}-${hash.digest('hex').slice(0, 12)}`);
}

const onPath = (command: string, path: string) =>
  path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** The tools a build needs that are not on `path`; the error says what to install. */
export function missingToolchain(path = process.env.PATH ?? ''): string[] {
  return TOOLCHAIN.filter((command) => !onPath(command, path));
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code, output }));
  });
}

async function build(dir: string, log: (line: string) => void): Promise<void> {
  const missing = missingToolchain();
  if (missing.length > 0) {
    throw new Error(
      `The bundle tests and the bench run functions under AWS's Lambda runtime interface client (aws-lambda-ric ${version()}), which is compiled once on first use and needs ${TOOLCHAIN.join(', ')}; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: install ${missing.length === 1 ? 'it' : 'them'} (Debian or Ubuntu: sudo apt-get install ${TOOLCHAIN.join(' ')}), then run again.`,
    );
  }
  log(`Building AWS's Lambda runtime interface client (aws-lambda-ric ${version()}) into ${relative(ROOT, dir)}/, once: a few minutes…`);
  // Beside its final place and renamed into it when complete, so an interrupted or concurrent build never leaves half a client there.
  const work = `${dir}.${process.pid}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const file of FILES) copyFileSync(join(SOURCE, file), join(work, file));
  // This Node first on PATH: npm, its install scripts and node-gyp then build for the Node the sandboxes run.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const { code, output } = await run('npm', ['ci', '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: work, env });
  if (code !== 0) {
    rmSync(work, { recursive: true, force: true });
    const tail = output.trim().split('\n').slice(-30).join('\n');
    throw new Error(`Building aws-lambda-ric ${version()} failed (npm ci exited with ${code}); the end of its output:\n${tail}`);
  }
  try {
    renameSync(work, dir);
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(dir)) throw error; // otherwise another process finished the same build first
  }
}

let installed: Promise<string> | undefined;

/** The client's entry point (index.mjs), built first if this machine has not built this version yet. */
export function installRuntimeClient(log: (line: string) => void = (line) => console.error(line)): Promise<string> {
  installed ??= (async () => {
    const dir = runtimeClientDir();
    if (!existsSync(dir)) await build(dir, log);
    return join(dir, 'node_modules/aws-lambda-ric/index.mjs');
  })();
  installed.catch(() => {
    installed = undefined; // a later call tries again (after the toolchain is installed, say)
  });
  return installed;
}

if (import.meta.main) {
  try {
    console.log(await installRuntimeClient());
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
