/**
 * Hot reload (tools/local/hot-reload.ts): a changed handler or a changed module it imports is live on
 * the next request, with the same local Lambda service (and so the same DynamoDB Local) still running.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
