/**
 * Hot reload (tools/local/hot-reload.ts): a changed handler or a changed module it imports is live on
 * the next request, with the same local Lambda service (and so the same DynamoDB Local) still running.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../infra/functions.ts';
import { watchSources } from '../../tools/local/hot-reload.ts';
import { type LocalLambda, localLambdaOptions, startLocalLambda } from '../../tools/local/lambda.ts';
import { defined } from '../../tools/values.ts';
import { buildTestEvent } from '../support/events.ts';

const root = mkdtempSync(join(tmpdir(), 'udp-reload-'));
const src = join(root, 'src');
const write = (name: string, text: string) => writeFileSync(join(src, name), text);
/** As vim (backupcopy=no), JetBrains' safe write and git checkout save: a new file renamed over the old one. */
const replace = (name: string, text: string) => {
  writeFileSync(join(src, `${name}.tmp`), text);
  renameSync(join(src, `${name}.tmp`), join(src, name));
};
const handlerSaying = (text: string) =>
  `import { word } from './shared.ts';\nexport const handler = async () => ({ statusCode: 200, body: '${text} ' + word });\n`;

describe('hot reload', () => {
  let lambda: LocalLambda;
  let watcher: { close(): void };
  const lines: string[] = [];
  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }');
    write('shared.ts', "export const word: string = 'one';\n");
    write('handler.ts', handlerSaying('handler says'));
    const spec = { ...defined(functionSpecs().get('functions/health/get.ts'), 'the health function'), entry: join(src, 'handler.ts') };
    lambda = await startLocalLambda({ ...localLambdaOptions(), specs: new Map([['fixture', spec]]) });
    watcher = watchSources({ root, dirs: ['src'], reload: () => lambda.reload(), log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    watcher.close();
    await lambda.close();
    rmSync(root, { recursive: true, force: true });
  });

  const answer = async () => (await lambda.invoke('fixture', buildTestEvent('health.get'))).body;

  it('serves a changed shared module, then a changed handler, on the next request', async () => {
    expect(await answer()).toBe('handler says one');
    expect(await answer()).toBe('handler says one'); // a warm instance

    write('shared.ts', "export const word: string = 'two';\n");
    await expect.poll(() => lines).toContain('reloaded (src/shared.ts)');
    expect(await answer()).toBe('handler says two');

    write('handler.ts', handlerSaying('handler now says'));
    await expect.poll(() => lines).toContain('reloaded (src/handler.ts)');
    expect(await answer()).toBe('handler now says two');
  });

  // A reload starts an instance, whose cold start can take long on a busy machine: the budget only catches a reload that never comes.
  const served = (text: string) => expect.poll(answer, { timeout: 60_000 }).toBe(text);

  it('serves every save of a file replaced by rename, then in-place writes and a new module', async () => {
    replace('shared.ts', "export const word: string = 'three';\n");
    await served('handler now says three');
    replace('shared.ts', "export const word: string = 'four';\n"); // the second rename over the same name
    await served('handler now says four');
    replace('handler.ts', handlerSaying('handler says again'));
    await served('handler says again four');

    write('shared.ts', "export const word: string = 'five';\n"); // in place, after the renames
    await served('handler says again five');

    mkdirSync(join(src, 'words'));
    write('words/six.ts', "export const six: string = 'six';\n"); // a new directory and a new module in it
    write('shared.ts', "export { six as word } from './words/six.ts';\n");
    await served('handler says again six');
    write('words/six.ts', "export const six: string = 'six, changed';\n"); // a change inside the new directory
    await served('handler says again six, changed');
  }, 600_000);
});
