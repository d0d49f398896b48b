/**
 * The local Amazon SES: aws-ses-v2-local, a real server of SES's v2 HTTP API, run in this process.
 * The functions send to it exactly as they send to SES on AWS (the SDK's SESv2 client, pointed here by
 * AWS_ENDPOINT_URL_SESV2); a developer reads the mail on its page (GET /), the tests through its
 * store (GET /store, tests/support/mailbox.ts). Mail lives in memory: a restart empties the box.
 */
import type { Server } from 'node:http';
import { portInUse } from './dynamodb.ts';

export interface LocalMail {
  /** Where the SDK sends and where the mail is read. */
  endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalMail({ port, host = '127.0.0.1' }: { port: number; host?: string }): Promise<LocalMail> {
  // The library resolves even when it could not listen: never mistake another program for it.
  if (await portInUse(port)) throw new Error(`Port ${port} is in use by another program: the local mail server cannot start on it`);
  // A CommonJS module with an ES default export: Node hands it over as default.default, tsx as default.
  type Start = (config: { host: string; port: number }) => Promise<Server>;
  const { default: loaded } = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const server = await (typeof loaded === 'function' ? loaded : loaded.default)({ host, port });
  if (!server.listening) throw new Error(`The local mail server could not listen on ${host}:${port}`);
  return {
    endpoint: `http://${host}:${port}`,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
