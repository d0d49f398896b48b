import { consoleApiKey } from '../../shared/config/index.ts';
import { defineOpenHandler, Reply } from '../../shared/http/open-handler.ts';
import { webConsole } from '../../shared/routes/web.ts';
import { fillPage, PAGE_CSP } from '../../shared/web/static.ts';

// The console is a client like any other: the page carries the client API key it sends.
export const handler = defineOpenHandler(
  webConsole,
  async ({ baseUrl }) =>
    new Reply(fillPage('console.html', { BASE: `${baseUrl}/`, API_KEY: await consoleApiKey() }), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP("'self'") },
    }),
);
