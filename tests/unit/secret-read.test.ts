/** Reading the app secret through the Parameters and Secrets extension, against servers that misbehave. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ConfigurationError, getSecrets } from '../../shared/config/index.ts';

const saved = { ...process.env };
let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  process.env = { ...saved };
});

async function extension(answer: Parameters<typeof createServer>[1]) {
  server = createServer(answer);
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  delete process.env.APP_SECRET; // read through the extension, as on Lambda
  process.env.SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app';
  process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String((server.address() as AddressInfo).port);
}

it('gives up on an extension that never answers: a ConfigurationError (a 500 and an ERROR line), not a hung request', async () => {
  await extension(() => {}); // accepts, never answers
  const started = Date.now();
  await expect(getSecrets()).rejects.toThrow(ConfigurationError);
  expect(Date.now() - started).toBeLessThan(5000);
}, 10_000);

it('calls an answer that breaks off a ConfigurationError, not a transient network error', async () => {
  await extension((_req, res) => {
    res.writeHead(200, { 'content-length': '100' }).write('{"SecretString":');
    setTimeout(() => res.destroy(), 50);
  });
  await expect(getSecrets()).rejects.toThrow(ConfigurationError);
});
