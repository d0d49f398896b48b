import { defineOpenHandler, Reply } from '../../shared/http/open-handler.ts';
import { docsRoutes } from '../../shared/routes/docs.ts';
import { fillPage, PAGE_CSP } from '../../shared/web/static.ts';

// Swagger UI sets inline style attributes, hence 'unsafe-inline' for styles (never for scripts).
export const handler = defineOpenHandler(
  docsRoutes['docs.ui'],
  async ({ basePath }) =>
    new Reply(fillPage('docs.html', { BASE: `${basePath}/` }), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP("'self' 'unsafe-inline'") },
    }),
);
