/**
 * The local runtime's log (tools/local/log.ts) as `npm start` prints it: one line per request, with
 * the reason of a refused one, in colour on a terminal and as JSON lines otherwise, at LOG_LEVEL.
 */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type LocalLog, type LocalLogOptions, localLog } from '../../tools/local/log.ts';
import { useGateway } from '../support/api.ts';

let log: LocalLog = localLog({ level: 'SILENT', json: true, colour: false, write: () => undefined });
const functionLines: string[] = [];
// The functions log at INFO, so each writes its own request line too.
const gateway = useGateway(
  { log: (entry) => log.request(entry) },
  {
    logLevel: 'INFO',
    output: (line) => {
      functionLines.push(line);
      log.functionLine(line);
    },
  },
);

/** The lines printed while `run` makes its requests. */
async function printed(options: Omit<LocalLogOptions, 'write'>, run: () => Promise<unknown>) {
  const lines: string[] = [];
  log = localLog({ ...options, write: (line) => lines.push(line) });
  await run();
  return lines;
}

const PASSWORD = 'Sekr3t!pass-XYZ';
const badSignUp = () => gateway.api.post('/auth/register', { email: 'not-an-email', password: PASSWORD, name: 'Jo' });

describe('the local log', () => {
  it('prints one JSON line per request off a terminal, with the reason a request was refused and nothing it sent', async () => {
    const lines = await printed({ level: 'INFO', json: true, colour: false }, async () => {
      await gateway.api.get('/health');
      await badSignUp();
      await gateway.api.get('/me');
      await gateway.api.get('/me', { apiKey: null });
    });
    const records = lines.map((line) => JSON.parse(line));
    expect(records).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'request', method: 'GET', path: '/health', status: 200, duration_ms: expect.any(Number) }),
      expect.objectContaining({
        level: 'WARN',
        method: 'POST',
        path: '/auth/register',
        status: 400,
        reason: 'Bad Request: The request body is invalid: email.',
        request_id: expect.any(String),
      }),
      expect.objectContaining({ level: 'WARN', method: 'GET', path: '/me', status: 401, reason: expect.stringMatching(/^Unauthorized: /) }),
      expect.objectContaining({ level: 'WARN', method: 'GET', path: '/me', status: 403, reason: expect.stringMatching(/^Forbidden/) }), // the gateway's own answer
    ]);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain('not-an-email');
  });

  it('shows only refused and failed requests at LOG_LEVEL=WARN', async () => {
    const lines = await printed({ level: 'WARN', json: true, colour: false }, async () => {
      await gateway.api.get('/health');
      await badSignUp();
    });
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ status: 400 })]);
  });

  it('prints a readable line in colour on a terminal', async () => {
    const lines = await printed({ level: 'INFO', json: false, colour: true }, badSignUp);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('\u001b[33m400\u001b[39m');
    expect(stripVTControlCharacters(lines[0] ?? '')).toMatch(/^POST \/auth\/register → 400 \d+\.\d ms Bad Request: The request body is invalid: email\.$/);
  });

  it('leaves the function’s own request line out: it carries the same reason, at WARN, for the deployed logs', async () => {
    functionLines.length = 0;
    await badSignUp();
    const own = functionLines.map((line) => JSON.parse(line)).filter((r) => r.message === 'request');
    expect(own).toEqual([
      expect.objectContaining({ level: 'WARN', route: 'POST /auth/register', status: 400, reason: 'Bad Request: The request body is invalid: email.' }),
    ]);
  });
});
