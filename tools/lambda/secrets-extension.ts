/**
 * The AWS Parameters and Secrets Lambda Extension's HTTP API, emulated on loopback, so functions read
 * their secrets locally exactly as they do on Lambda: `GET /secretsmanager/get?secretId=<arn>` with
 * the header `X-Aws-Parameters-Secrets-Token` set to the function's AWS_SESSION_TOKEN, answered with
 * Secrets Manager's GetSecretValue shape. Who may read what is decided by `access`: `npm start` from
 * the function specs, the Lambda runtime tests from each function's layers and IAM policy in the
 * synthesized template.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `absent`: the function has no extension layer, so nothing listens for it (the connection is dropped). */
export type SecretAccess = 'allow' | 'deny' | 'absent';

export interface SecretsExtensionOptions {
  /** Secret values by ARN. */
  secrets: Record<string, string>;
  /** What the function holding `sessionToken` may do with `secretArn`; undefined for an unknown token. */
  access(sessionToken: string, secretArn: string): SecretAccess | undefined;
}

export interface SecretsExtension {
  port: number;
  /** Every read, for tests: who asked for what, and the answer's status. */
  reads: { sessionToken: string; secretId: string; status: number }[];
  close(): Promise<void>;
}

const awsError = (type: string, message: string) => JSON.stringify({ __type: type, message });

export async function startSecretsExtension(options: SecretsExtensionOptions): Promise<SecretsExtension> {
  const reads: SecretsExtension['reads'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sessionToken = String(req.headers['x-aws-parameters-secrets-token'] ?? '');
    const secretId = url.searchParams.get('secretId') ?? '';
    const answer = (status: number, body: string) => {
      reads.push({ sessionToken, secretId, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    };
    if (req.method !== 'GET' || url.pathname !== '/secretsmanager/get') return answer(404, awsError('NotFound', 'Unknown path'));
    const access = sessionToken ? options.access(sessionToken, secretId) : undefined;
    if (access === 'absent') return void req.socket.destroy();
    if (access === undefined) return answer(401, awsError('UnrecognizedClientException', 'Missing or invalid X-Aws-Parameters-Secrets-Token'));
    if (access === 'deny') {
      return answer(400, awsError('AccessDeniedException', `not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretId}`));
    }
    if (!Object.hasOwn(options.secrets, secretId)) {
      return answer(400, awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."));
    }
    answer(
      200,
      JSON.stringify({
        ARN: secretId,
        Name: secretId.split(':').pop(),
        VersionId: '00000000-0000-4000-8000-000000000001',
        SecretString: options.secrets[secretId],
        VersionStages: ['AWSCURRENT'],
        CreatedDate: '2026-01-01T00:00:00.000Z',
      }),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    reads,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
