import { type OpenRoute, route } from './route.ts';

export const docsRoutes = {
  'docs.openapi': route({
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/docs/openapi.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'This OpenAPI 3.1 document',
    description:
      "The OpenAPI 3.1 description of this API, generated from the route table and the validation schemas, with this deployment's address as its server. Needs no API key.",
    responseExample: { openapi: '3.1.0', info: { title: 'User-data platform API', version: '1.0.0' }, paths: { '/health': {} } },
    status: 200,
  }),
  'docs.ui': route({
    method: 'GET',
    path: '/docs',
    entry: 'functions/docs/ui.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    staticFiles: ['docs.html'],
    produces: ['text/html'],
    summary: 'Swagger UI over the OpenAPI document',
    description: 'Swagger UI, served from this origin under a strict Content-Security-Policy, to read this document and try the routes. Needs no API key.',
    status: 200,
  }),
  'docs.apidocs': route({
    method: 'GET',
    path: '/apidocs',
    entry: 'functions/docs/apidocs.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: "Seed 001's address for the docs: redirects to /docs",
    description: "The documentation's address in the service this API replaces: a 302 redirect to /docs.",
    status: 302,
  }),
} as const satisfies Record<string, OpenRoute>;
