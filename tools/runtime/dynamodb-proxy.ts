/**
 * DynamoDB's endpoint as each function sees it: every call is authorized against the calling
 * function's IAM policy (the caller is known by the access key id in the SigV4 Authorization
 * header), then forwarded unchanged to DynamoDB Local; a call AWS would deny is answered as DynamoDB
 * answers it (400 AccessDeniedException) and recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamoDbPermissions, evaluate, type Permission, type Statement } from './iam.ts';

export interface Caller {
  /** The function's role session as IAM names it in a denial: arn:aws:sts::<account>:assumed-role/<role>/<function>. */
  principal: string;
  sessionToken: string;
  statements: Statement[];
}

export interface Denial extends Permission {
  caller: string;
  operation: string;
}

export interface DynamoDbProxy {
  endpoint: string;
  denials: Denial[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const answer = (res: ServerResponse, status: number, type: string, message: string) =>
  res
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() })
    .end(JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message }));

export async function startDynamoDbProxy(options: {
  target: string;
  /** The caller holding this access key id, if any. */
  caller(accessKeyId: string): Caller | undefined;
  tableArn(name: string): string;
}): Promise<DynamoDbProxy> {
  const denials: Denial[] = [];
  const target = new URL(options.target);

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const accessKeyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const caller = options.caller(accessKeyId);
    if (!caller || req.headers['x-amz-security-token'] !== caller.sessionToken) {
      return answer(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    let permissions: Permission[];
    try {
      permissions = dynamoDbPermissions(operation, JSON.parse(body.toString() || '{}'), options.tableArn);
    } catch (error) {
      // What this cannot evaluate is refused, so it can never pass unchecked.
      denials.push({ caller: caller.principal, operation, action: `dynamodb:${operation}`, resource: (error as Error).message });
      return answer(res, 400, 'AccessDeniedException', `${(error as Error).message} by the test's IAM proxy`);
    }
    for (const permission of permissions) {
      const decision = evaluate(caller.statements, permission);
      if (decision === 'allow') continue;
      denials.push({ caller: caller.principal, operation, ...permission });
      const why =
        decision === 'explicit-deny'
          ? 'with an explicit deny in an identity-based policy'
          : `because no identity-based policy allows the ${permission.action} action`;
      return answer(
        res,
        400,
        'AccessDeniedException',
        `User: ${caller.principal} is not authorized to perform: ${permission.action} on resource: ${permission.resource} ${why}`,
      );
    }
    const forwarded = request(target, { method: req.method, path: req.url, headers: req.headers }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 500, upstream.headers);
      upstream.pipe(res);
    });
    forwarded.on('error', () => res.destroy()); // as an unreachable DynamoDB would look to the SDK
    forwarded.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    denials,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections(); // the SDK's keep-alive sockets
      }),
  };
}
