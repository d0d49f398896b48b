import { request } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { type RouteDef, routes } from '../../shared/routes.ts';
import { defined, type Json } from '../../tools/values.ts';
import { registerUser } from '../support/accounts.ts';
import { API_KEY, CONSOLE_KEY, useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, served without an API key', async () => {
    const res = await api().get('/openapi.json', { apiKey: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(res.body.servers).toEqual([{ url: api().baseUrl }]);
  });

  it('lists exactly the routes of the route table, with their security', async () => {
    const { body: doc } = await api().get('/openapi.json');
    const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ id: op.operationId, key: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.map((o) => o.id).sort()).toEqual(Object.keys(routes).sort());
    for (const { id, key, op } of operations) {
      const route = routes[id as keyof typeof routes] as RouteDef;
      expect(key).toBe(`${route.method} ${route.path}`);
      const schemes = op.security.flatMap((s: object) => Object.keys(s));
      expect(schemes.includes('apiKey'), id).toBe(route.apiKey !== false);
      expect(schemes.includes('bearerAuth'), id).toBe(route.auth !== 'none');
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        if (Number(status) >= 400) expect(response.content['application/problem+json'], `${id} ${status}`).toBeDefined();
      }
    }
    expect(doc.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }));
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });

  it("carries realistic examples (the seeds' samples) that match their own schemas", async () => {
    const { body: doc } = await api().get('/openapi.json');
    const ajv = new Ajv2020({ strict: false });
    formats.default(ajv);
    let checked = 0;
    for (const methods of Object.values(doc.paths as Record<string, Record<string, Json>>)) {
      for (const op of Object.values(methods)) {
        const media = op.requestBody?.content['application/json'];
        if (media?.example === undefined) continue;
        const validate = ajv.compile(media.schema);
        expect(validate(media.example), `${op.operationId}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(doc.paths['/payments'].post.requestBody.content['application/json'].example).toMatchObject({ card_no: '4111111111111111', currency: 'INR' });
    expect(doc.paths['/records'].post.requestBody.content['application/json'].example).toMatchObject({ phone: '9876543210', height: '175' });
  });
});

describe('the limits the document states for request headers', () => {
  it('are the ones the functions enforce', async () => {
    const { body: doc } = await api().get('/openapi.json');
    const header = (path: string, method: string, name: string) => doc.paths[path][method].parameters.find((p: Json) => p.name === name).schema;
    const { token } = await registerUser(api());

    const idempotencyKey = header('/payments', 'post', 'Idempotency-Key');
    expect(idempotencyKey).toEqual({ type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' });
    const payment = doc.paths['/payments'].post.requestBody.content['application/json'].example;
    const pay = (key: string) => api().post('/payments', payment, { token, headers: { 'idempotency-key': key } });
    expect((await pay('~'.repeat(idempotencyKey.maxLength))).status).toBe(201);
    expect((await pay('!'.repeat(idempotencyKey.maxLength + 1))).status).toBe(400);
    expect((await pay('with space')).status).toBe(400);

    expect(header('/kv/{key}', 'put', 'If-None-Match')).toEqual({ type: 'string', enum: ['*'] });
    const put = (ifNoneMatch: string) => api().put('/kv/limits', { on: true }, { token, headers: { 'if-none-match': ifNoneMatch } });
    expect((await put('"1"')).status).toBe(400);
    expect((await put('*')).status).toBe(201);
  });
});

describe('GET /docs and /apidocs', () => {
  it('serve Swagger UI from this origin, with a CSP that allows no outside script', async () => {
    const res = await api().get('/docs', { apiKey: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('assets/swagger-ui-bundle.js');
    expect(res.text).toContain(`<base href="${api().baseUrl}/">`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
    const legacy = await api().get('/apidocs', { apiKey: null });
    expect(legacy.status).toBe(302);
    expect(legacy.headers.get('location')).toBe(`${api().baseUrl}/docs`);
  });
});

describe('GET / (the console) and its assets', () => {
  it('embeds the console’s own API key, never the API clients’, and a strict Content-Security-Policy', async () => {
    const res = await api().get('/', { apiKey: null });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<meta name="api-key" content="${CONSOLE_KEY}">`);
    expect(res.text).not.toContain(API_KEY);
    const csp = defined(res.headers.get('content-security-policy'), 'a Content-Security-Policy');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe');
    expect(res.text).not.toMatch(/<script>|onclick=|style=/);
  });

  it('reflect only a real host name from the Host header, never a replacement pattern or markup', async () => {
    const { port } = new URL(api().baseUrl);
    const get = (path: string, host: string) =>
      new Promise<{ status: number; location?: string; body: string }>((done, fail) => {
        request({ port, path, headers: { host } }, (res) => {
          let body = '';
          res
            .setEncoding('utf8')
            .on('data', (c) => (body += c))
            .on('end', () => done({ status: defined(res.statusCode, 'a status code'), location: res.headers.location, body }));
        })
          .on('error', fail)
          .end();
      });
    const legit = await get('/', 'api.example.com:8443');
    expect(legit.body).toContain('<base href="http://api.example.com:8443/">');
    for (const host of ['evil.example$`x', 'a$&b', 'x"><script>alert(1)</script>', "$'"]) {
      const page = await get('/', host);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<base href="http://localhost/">');
      expect(page.body).not.toContain('$');
      const docs = await get('/docs', host);
      expect(docs.body).toContain('<base href="http://localhost/">');
      expect((await get('/apidocs', host)).location).toBe('http://localhost/docs');
      expect(JSON.parse((await get('/openapi.json', host)).body).servers).toEqual([{ url: 'http://localhost' }]);
    }
  });

  it('serve only the files on their list', async () => {
    for (const [file, type] of [
      ['console.js', 'text/javascript'],
      ['console-security.js', 'text/javascript'],
      ['console.css', 'text/css'],
      ['swagger-ui-bundle.js', 'text/javascript'],
      ['swagger-ui.css', 'text/css'],
      ['docs.js', 'text/javascript'],
      ['qrcode.js', 'text/javascript'],
    ]) {
      const res = await api().get(`/assets/${file}`, { apiKey: null });
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
    }
    for (const probe of ['console.html', '..%2Fpackage.json', '..%2F..%2F.env.local', 'app.js']) {
      expect((await api().get(`/assets/${probe}`, { apiKey: null })).status, probe).toBe(404);
    }
  });
});
