import type { OpenRoute } from './route.ts';

export const docsRoutes = {
  'docs.openapi': {
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/docs/openapi.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'This OpenAPI 3.1 document',
    status: 200,
  },
  'docs.ui': {
    method: 'GET',
    path: '/docs',
    entry: 'functions/docs/ui.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    staticFiles: ['docs.html'],
    produces: ['text/html'],
    summary: 'Swagger UI over the OpenAPI document',
    status: 200,
  },
  'docs.apidocs': {
    method: 'GET',
    path: '/apidocs',
    entry: 'functions/docs/apidocs.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: "Seed 001's address for the docs: redirects to /docs",
    status: 302,
  },
} as const satisfies Record<string, OpenRoute>;
