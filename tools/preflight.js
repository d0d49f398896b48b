/**
 * Runs before `npm start`, `npm test` and the other commands that run the project (package.json's
 * scripts: `node --import ./tools/preflight.js …`): refuses, in one sentence that says what to run, a
 * Node or an install they cannot run on, instead of, say, an API whose every route answers 502.
 * Plain JavaScript importing only node: modules, so that it runs on whatever Node npm found, with
 * or without node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = process.env.npm_lifecycle_event;
const command = script === undefined ? 'This command' : ['start', 'test'].includes(script) ? `npm ${script}` : `npm run ${script}`;
const { dependencies = {}, devDependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const major = (version) => Number(/^v?(\d+)/.exec(version)?.[1]);
const installedVersion = (name) => {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
};
const list = (names) => {
  if (names.length === 1) return names[0];
  if (names.length > 3) return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
};

/** What stops this command, in one sentence, or undefined. */
function problem() {
  const thisNode = `this is Node ${process.versions.node} at ${process.execPath}`;
  if (!existsSync(join(root, 'node_modules')))
    return `${command} needs the packages npm ci installs, and there is no node_modules (${thisNode}): run npm ci first.`;
  const nodeMajor = major(devDependencies.node);
  if (major(process.versions.node) !== nodeMajor) {
    if (!existsSync(join(root, 'node_modules/.bin/node'))) {
      return `${command} runs on the Node ${nodeMajor} that npm ci installs as node_modules/.bin/node, which is missing because the install did not finish (${thisNode}): run npm ci, then ${command === 'This command' ? 'the command' : command} again.`;
    }
    if (installedVersion('node') === devDependencies.node) {
      return `${command} runs on the Node ${nodeMajor} in node_modules/.bin/node, but ${thisNode}: run it through npm (npm start, npm test, npm run …), which puts that Node first.`;
    }
  }
  const declared = Object.entries({ ...dependencies, ...devDependencies });
  const missing = declared.filter(([name]) => installedVersion(name) === undefined).map(([name]) => name);
  if (missing.length > 0) return `${command} cannot run: node_modules lacks ${list(missing)} from package.json, so the install did not finish: run npm ci.`;
  const stale = declared.filter(([name, wanted]) => /^\d+\.\d+\.\d+$/.test(wanted) && installedVersion(name) !== wanted);
  if (stale.length > 0) {
    const [name, wanted] = stale[0];
    return `${command} cannot run: package.json asks for ${name} ${wanted} but node_modules holds ${installedVersion(name)}${stale.length > 1 ? ` (and ${stale.length - 1} more differ)` : ''}, so it was installed before package.json changed: run npm ci.`;
  }
  return undefined;
}

const refusal = problem();
if (refusal) {
  console.error(refusal);
  process.exit(1);
}
