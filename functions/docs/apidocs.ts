import { defineOpenHandler, Reply } from '../../shared/http/open-handler.ts';
import { docsRoutes } from '../../shared/routes/docs.ts';

// A path, never a URL from the Host header: a forged Host cannot send anyone elsewhere.
export const handler = defineOpenHandler(
  docsRoutes['docs.apidocs'],
  async ({ basePath }) => new Reply(undefined, { headers: { location: `${basePath}/docs` } }),
);
