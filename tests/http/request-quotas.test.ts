/**
 * API Gateway's quotas on a request's head, applied as the gateway contract declares: a URL over
 * 10,240 characters or headers over 10,240 bytes get the REQUEST_TOO_LARGE answer (problem+json with
 * the security headers), however large the head: never Node's bare 431. Requests are written on a
 * socket byte by byte, so the sizes are exact.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { gatewayResponses, requestQuotas } from '../../infra/gateway-contract.ts';
import { SECURITY_HEADERS } from '../../shared/http/security-headers.ts';
import { useGateway } from '../support/api.ts';

const gateway = useGateway();

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A chunked body's data. */
function unchunked(body: string) {
  let data = '';
  for (let rest = body; ; ) {
    const size = Number.parseInt(rest, 16);
    if (!(size > 0)) return data;
    const start = rest.indexOf('\r\n') + 2;
    data += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
}

/** Sends `head` (request line and headers, without the blank line) and reads the answer to the end. */
function sendHead(head: string): Promise<RawResponse> {
  const { port } = new URL(gateway.api.baseUrl);
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`)); // the server closes it after answering
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', fail);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [top = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = top.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      done({ status: Number(statusLine.split(' ')[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? unchunked(body) : body });
    });
  });
}

/** GET /health with a query making its request target exactly `characters` long. */
const targetOf = (characters: number) => `/health?q=${'a'.repeat(characters - '/health?q='.length)}`;
/** The header bytes a request carries with a filler header sized to make them exactly `bytes`, line ends included. */
function headersOf(bytes: number) {
  const fixed = 'Host: localhost\r\nConnection: close\r\n';
  return `${fixed}X-Fill: ${'a'.repeat(bytes - fixed.length - 'X-Fill: \r\n'.length)}`;
}

function expectRequestTooLarge(res: RawResponse) {
  const answer = gatewayResponses[requestQuotas.answer];
  expect(res.status).toBe(answer.status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(JSON.parse(res.body)).toEqual(answer.body);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name], name).toBe(value);
}

describe('the URL quota (10,240 characters)', () => {
  it('serves a request target of exactly the quota, and answers one character more as REQUEST_TOO_LARGE', async () => {
    const atQuota = await sendHead(`GET ${targetOf(requestQuotas.urlCharacters)} HTTP/1.1\r\nHost: localhost`);
    expect(atQuota.status).toBe(200); // the function's answer (/health reads no query)
    expectRequestTooLarge(await sendHead(`GET ${targetOf(requestQuotas.urlCharacters + 1)} HTTP/1.1\r\nHost: localhost`));
  });
});

describe('the header quota (10,240 bytes of names, values and line ends)', () => {
  it('serves headers of exactly the quota, and answers one byte more as REQUEST_TOO_LARGE', async () => {
    // headersOf counts the Connection header sendHead adds.
    const head = (bytes: number) => `GET /health HTTP/1.1\r\n${headersOf(bytes).replace('Connection: close\r\n', '')}`;
    const atQuota = await sendHead(head(requestQuotas.headerBytes));
    expect(atQuota.status).toBe(200);
    expectRequestTooLarge(await sendHead(head(requestQuotas.headerBytes + 1)));
  });

  it('takes any number of headers within the quota (Node refuses more than 2,000), and counts them all', async () => {
    const many = (count: number) => `GET /health HTTP/1.1\r\nHost: localhost\r\n${Array.from({ length: count }, () => 'X: ').join('\r\n')}`; // 5 bytes each
    expect((await sendHead(many(2_040))).status).toBe(200); // 10,236 bytes with Host and Connection
    expectRequestTooLarge(await sendHead(many(2_100)));
  });

  it('serves a URL and headers both at their quotas: some 20 KB of head, past Node’s default limit of 16 KB', async () => {
    const head = `GET ${targetOf(requestQuotas.urlCharacters)} HTTP/1.1\r\n${headersOf(requestQuotas.headerBytes).replace('Connection: close\r\n', '')}`;
    expect(head.length).toBeGreaterThan(16 * 1024);
    expect((await sendHead(head)).status).toBe(200);
  });

  it('answers a head larger than Node’s own limits (16 KB by default, 64 KB raised) the same way, never with a bare 431', async () => {
    for (const size of [20 * 1024, 100 * 1024]) {
      const res = await sendHead(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Fill: ${'a'.repeat(size)}`);
      expectRequestTooLarge(res);
    }
    const longUrl = await sendHead(`GET ${targetOf(100 * 1024)} HTTP/1.1\r\nHost: localhost`);
    expectRequestTooLarge(longUrl);
    // The server still serves the next connection.
    expect((await gateway.api.get('/health')).status).toBe(200);
  });
});
