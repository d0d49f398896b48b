/**
 * A half-finished or outdated install (tools/preflight.js): `npm start` and `npm test` refuse in one
 * sentence that says to run npm ci, instead of an API whose every route answers 502. Each case is a
 * copy of this project whose node_modules links to the real packages, minus what the case removes,
 * run with npm from a user's shell whose PATH holds no project's node_modules/.bin.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local/dynamodb.ts';
import { userShell } from '../support/shell.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const copies: string[] = [];
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** This project's files (committed or not, never ignored ones), with node_modules as `packages` leaves it. */
function projectCopy(packages: { without?: string[]; withoutBin?: string[]; noNodeModules?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'udp-install-'));
  copies.push(dir);
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      copyFileSync(join(ROOT, file), join(dir, file));
    } catch {} // deleted in the work tree, not yet committed
  }
  if (packages.noNodeModules) return dir;
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '.bin' || packages.without?.includes(name)) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  for (const name of readdirSync(join(ROOT, 'node_modules/.bin'))) {
    if (packages.withoutBin?.includes(name)) continue;
    symlinkSync(readlinkSync(join(ROOT, 'node_modules/.bin', name)), join(modules, '.bin', name)); // relative: into the copy's links
  }
  return dir;
}

/** A user's shell: the machine's PATH, without the node_modules/.bin that running under npm test put first. */
const shellPath = () =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .join(delimiter);

/** `npm <args>` in `cwd` until it exits or prints the API's banner (what the refusal must prevent). */
async function npm(cwd: string, args: string[]) {
  const env = userShell({
    PATH: shellPath(),
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    MAIL_PORT: String(await freePort()),
    IN_MEMORY: '1',
  });
  for (const name of Object.keys(env))
    if (name.startsWith('npm_') || name === 'NODE_OPTIONS' || name === 'VITEST' || name.startsWith('VITEST_')) delete env[name];
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('Ctrl-C stops')) child.kill('SIGTERM'); // it started: the test fails below, quickly
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The refusal: exit status 1, the API never started, and one sentence on stderr ending in what to run, no stack. */
function expectRefusal(result: { code: number | null; stdout: string; stderr: string }, command: string, says: RegExp) {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm error'));
  expect(result.stdout).not.toContain('Ctrl-C stops');
  expect(lines).toEqual([expect.stringMatching(says)]);
  expect(lines[0]).toMatch(new RegExp(`^${command} .*: run npm ci[^.]*\\.$`));
  expect(result.code).toBe(1);
}

describe('npm start and npm test on an install they cannot run on', () => {
  it('refuses with no node_modules at all', async () => {
    expectRefusal(await npm(projectCopy({ noNodeModules: true }), ['start']), 'npm start', /there is no node_modules/);
  });

  it('refuses when the install stopped before the project’s Node (npm start would run on the machine’s Node)', async () => {
    const result = await npm(projectCopy({ without: ['node'], withoutBin: ['node'] }), ['start']);
    // On a machine whose own Node is another major, that Node is what npm start found; on one with Node 24, the package is missing.
    expectRefusal(
      result,
      'npm start',
      /node_modules\/\.bin\/node, which is missing because the install did not finish|node_modules lacks node from package\.json/,
    );
  });

  it('refuses when a package is missing, naming it', async () => {
    expectRefusal(await npm(projectCopy({ without: ['tsx'], withoutBin: ['tsx'] }), ['start']), 'npm start', /node_modules lacks tsx from package\.json/);
    expectRefusal(
      await npm(projectCopy({ without: ['vitest'], withoutBin: ['vitest'] }), ['test']),
      'npm test',
      /node_modules lacks vitest from package\.json/,
    );
  });

  it('refuses packages older than package.json asks for (installed before a pull changed it)', async () => {
    const dir = projectCopy();
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    manifest.devDependencies.vitest = '99.0.0';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/vitest/package.json'), 'utf8')).version;
    expectRefusal(
      await npm(dir, ['test']),
      'npm test',
      new RegExp(`package\\.json asks for vitest 99\\.0\\.0 but node_modules holds ${installed.replaceAll('.', '\\.')}`),
    );
  });
});

describe('npm ci', () => {
  it('prints no warning on the machine’s Node, even one older than the packages’ engines (they run on the Node it installs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'udp-ci-'));
    copies.push(dir);
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(ROOT, file), join(dir, file));
    const env = userShell({ PATH: shellPath() });
    for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
    // A dry run resolves the locked tree and checks every package's engines as npm ci does, without installing.
    const run = spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], { cwd: dir, env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/npm warn/i);
    expect(run.stdout).toMatch(/added \d+ packages/);
  });
});

describe('the Lambda runtime interface client, built on first use (tools/runtime/ric.ts)', () => {
  it('says in one sentence which build tools are missing and how to install them, and builds nothing', () => {
    const dir = projectCopy();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/runtime/ric.ts'], {
      cwd: dir,
      env: userShell({ PATH: dirname(process.execPath) }), // Node, and none of cmake, make, g++ or python3
      encoding: 'utf8',
    });
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /needs cmake, make, g\+\+, python3; cmake, make, g\+\+, python3 are missing: install them \(Debian or Ubuntu: sudo apt-get install cmake make g\+\+ python3\), then run again\.$/,
      ),
    ]);
    expect(run.status).toBe(1);
    expect(existsSync(join(dir, '.cache'))).toBe(false);
  });
});
