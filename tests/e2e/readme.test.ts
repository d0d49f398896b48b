/**
 * The README and docs/ work as pasted. The real `npm start` runs in a fresh copy of the project, and
 * every block fenced as plain `bash`, README first and then docs/ in name order, runs in one shell in
 * that copy, as a user's terminal runs what they paste: history expansion on (a `!` in double quotes
 * fails there), the `.env.local` that npm start wrote, `http://localhost:3000` and the mail server's `http://localhost:8005` pointed at their ports.
 * Every curl must get a 2xx, nothing may reach stderr, and a block followed by a ```json output block
 * must print what that block shows (`…` stands for any text). The ```text banner block is what
 * npm start prints on a first run; a ```ts file=<path> block must be that file. Blocks that need something else say so: ```bash aws (an AWS account), ```bash fresh-machine
 * (npm ci on a new clone; .ci/run does that).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local/dynamodb.ts';
import { userShell } from '../support/shell.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
const DOCUMENTS = ['README.md', ...docs.sort().map((name) => `docs/${name}`)];
/** Where links may point: the documents above and the tools tree's README. */
const LINKED = [...DOCUMENTS, 'tools/README.md'];
const NOT_RUN = new Set(['aws', 'fresh-machine']);
/** What a clone has that a fresh one would not: npm start's files, deploy outputs, git. */
const LOCAL_STATE = new Set(['.git', '.env.local', '.data', 'cdk.out', 'cdk-outputs.json']);

interface Block {
  document: string;
  lang: string;
  tags: string;
  code: string;
}

/** Fenced blocks in order, indented ones (inside a list) included, with their indentation removed. */
function fencedBlocks(document: string): Block[] {
  const text = readFileSync(join(ROOT, document), 'utf8');
  return [...text.matchAll(/^( *)```(\w*)([^\n]*)\n([\s\S]*?)^\1```$/gm)].map(([, indent = '', lang = '', tags = '', code = '']) => ({
    document,
    lang,
    tags: tags.trim(),
    code: code.replaceAll(new RegExp(`^${indent}`, 'gm'), ''),
  }));
}
const blocks = DOCUMENTS.flatMap(fencedBlocks);
const isRun = (block: Block | undefined) => block?.lang === 'bash' && block.tags === '';

/** The JSON values printed one after another (curl adds no newline), each parsed. */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth++ === 0) start = i;
    } else if (char === '}' || char === ']') {
      if (--depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && char?.trim()) throw new Error(`not JSON: ${text}`);
  }
  return values;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A line as shown, as a pattern: `…` stands for any text. */
const linePattern = (line: string) => new RegExp(`^${line.split('…').map(escaped).join('.*')}$`);

/** What the README shows, as a matcher: the same keys and values, where `…` in a string stands for any text. */
function shown(value: unknown): unknown {
  if (typeof value === 'string' && value.includes('…')) return expect.stringMatching(linePattern(value));
  if (Array.isArray(value)) return value.map(shown);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shown(v)]));
  return value;
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchors(document: string): Set<string> {
  const headings = readFileSync(join(ROOT, document), 'utf8')
    .replace(/^( *)```[\s\S]*?^\1```$/gm, '')
    .matchAll(/^#+ (.+)$/gm);
  const slug = (title: string) =>
    title
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replaceAll(' ', '-');
  return new Set([...headings].map(([, title = '']) => slug(title)));
}

/** Stops npm start's process group (npm, node and the Java it runs), if it is still there. */
function stopGroup(group: number) {
  try {
    process.kill(-group, 'SIGTERM');
  } catch {} // already gone
}

/** A fresh copy of the project: its files, linked, without anything a previous run left. */
function projectCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'udp-readme-'));
  for (const name of readdirSync(ROOT)) if (!LOCAL_STATE.has(name)) symlinkSync(join(ROOT, name), join(copy, name));
  return copy;
}

/** Removes the copy: its links first (never what they point to), then what npm start wrote there. */
function removeCopy(copy: string) {
  for (const name of readdirSync(copy)) if (lstatSync(join(copy, name)).isSymbolicLink()) unlinkSync(join(copy, name));
  rmSync(copy, { recursive: true });
}

describe('the README and docs/', () => {
  it('say for every bash block that is not run what it needs, and show output only after a block that runs', () => {
    const bash = blocks.filter(({ lang }) => lang === 'bash');
    expect(bash.filter(({ tags }) => tags !== '' && !NOT_RUN.has(tags)).map(({ document, tags }) => `${document}: ${tags}`)).toEqual([]);
    expect(bash.filter(({ document, tags }) => document === 'README.md' && tags === '').length).toBeGreaterThanOrEqual(4);
    const outputs = blocks.flatMap((block, i) => (block.lang === 'json' && block.tags === 'output' ? [[blocks[i - 1], block] as const] : []));
    expect(outputs.filter(([before, output]) => !isRun(before) || before?.document !== output.document)).toEqual([]);
  });

  it('link only to files that exist, and to headings that exist in them', () => {
    const broken = LINKED.flatMap((document) => {
      const text = readFileSync(join(ROOT, document), 'utf8').replace(/^( *)```[\s\S]*?^\1```$/gm, '');
      return [...text.matchAll(/\]\(([^)\s]+)\)/g)].flatMap(([, target = '']) => {
        if (/^https?:/.test(target)) return [];
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? document : relative(ROOT, resolve(ROOT, dirname(document), path));
        const found = existsSync(join(ROOT, file)) && (anchor === undefined || (file.endsWith('.md') && anchors(file).has(anchor)));
        return found ? [] : [`${document}: ${target}`];
      });
    });
    expect(broken).toEqual([]);
  });

  it('show each example file as it is', () => {
    const files = blocks.flatMap(({ tags, code }) => {
      const path = /^file=(\S+)$/.exec(tags)?.[1];
      return path === undefined ? [] : [{ path, code }];
    });
    expect(files.length).toBeGreaterThan(0);
    for (const { path, code } of files) expect(code, path).toBe(readFileSync(join(ROOT, path), 'utf8'));
  });

  describe('against the real npm start, in a fresh copy of the project', () => {
    let copy: string;
    let npmStart: ChildProcess;
    let output = '';
    let port: number;
    let dynamoPort: number;
    let mailPort: number;

    beforeAll(async () => {
      [port, dynamoPort, mailPort] = [await freePort(), await freePort(), await freePort()];
      copy = projectCopy();
      // Its own process group, so that the whole of it (npm, node, Java) is stopped afterwards.
      npmStart = spawn('npm', ['start'], {
        cwd: copy,
        env: userShell({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), MAIL_PORT: String(mailPort) }),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const group = npmStart.pid;
      if (group !== undefined) process.once('exit', () => stopGroup(group)); // should this worker end before afterAll
      npmStart.stdout?.on('data', (chunk) => (output += chunk));
      npmStart.stderr?.on('data', (chunk) => (output += chunk));
      while (!output.includes('Ctrl-C stops')) {
        if (npmStart.exitCode !== null) throw new Error(`npm start ended:\n${output}`);
        await new Promise((wake) => setTimeout(wake, 100));
      }
    }, 120_000);

    afterAll(async () => {
      if (npmStart?.pid !== undefined && npmStart.exitCode === null) {
        const exited = new Promise((done) => npmStart.once('exit', done));
        stopGroup(npmStart.pid);
        await exited;
      }
      if (copy) removeCopy(copy);
    });

    it('prints the banner the README shows', () => {
      const [banner, ...others] = blocks.filter(({ document, lang, tags }) => document === 'README.md' && lang === 'text' && tags === 'banner');
      expect(banner, 'one ```text banner block in the README').toBeDefined();
      expect(others).toEqual([]);
      const shownLines = (banner?.code ?? '')
        .replaceAll('http://localhost:3000', `http://localhost:${port}`)
        .replaceAll('127.0.0.1:8000', `127.0.0.1:${dynamoPort}`)
        .replaceAll('localhost:8005', `localhost:${mailPort}`)
        .split('\n')
        .filter((line) => line.trim() !== '');
      const printed = output.split('\n');
      let at = 0;
      const missing = shownLines.filter((line) => {
        const found = printed.findIndex((candidate, i) => i >= at && linePattern(line).test(candidate));
        if (found === -1) return true;
        at = found + 1;
        return false;
      });
      expect(missing, output).toEqual([]);
    });

    it('runs every plain bash block as written, each printing what the block after it shows', async () => {
      const ran = blocks.filter(isRun);
      const script = [
        'set -o history -H', // as a terminal reads what is pasted into it
        'set -euo pipefail',
        'curl() { command curl --fail-with-body --show-error "$@"; }', // a 4xx or 5xx fails the script, and says so
        ...ran.flatMap(({ code }, i) => [
          `printf '\\n::block ${i}::\\n'`,
          code.replaceAll('http://localhost:3000', `http://localhost:${port}`).replaceAll('http://localhost:8005', `http://localhost:${mailPort}`),
        ]),
      ].join('\n');
      const scriptFile = join(copy, 'pasted.sh');
      writeFileSync(scriptFile, script);
      // A user's shell beside a running npm start: DYNAMODB_PORT as they started it, for invoke, seed and items.
      const shell = userShell({ DYNAMODB_PORT: String(dynamoPort) });
      const pasted = promisify(execFile)('bash', [scriptFile], { cwd: copy, env: shell, maxBuffer: 64 * 1024 * 1024 });
      pasted.child.stdin?.end(); // nothing to type: a command that waits for input would wait forever
      const { stdout, stderr } = await pasted.catch((error: { stdout: string; stderr: string }) => {
        throw new Error(`a block failed:\n${error.stdout}\n${error.stderr}`);
      });
      expect(stderr).toBe('');
      const printed = stdout.split(/\n::block \d+::\n/).slice(1);
      expect(printed).toHaveLength(ran.length);
      let compared = 0;
      for (const [i, block] of ran.entries()) {
        const next = blocks[blocks.indexOf(block) + 1];
        if (next?.lang !== 'json' || next.tags !== 'output') continue;
        expect(jsonValues(printed[i] ?? ''), `${block.document}:\n${block.code}`).toEqual(jsonValues(next.code).map(shown));
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(4);
    }, 180_000);
  });
});
