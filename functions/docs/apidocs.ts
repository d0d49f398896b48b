import { defineOpenHandler, Reply } from '../../shared/http/open-handler.ts';
import { docsRoutes } from '../../shared/routes/docs.ts';

export const handler = defineOpenHandler(docsRoutes['docs.apidocs'], async ({ baseUrl }) => new Reply(undefined, { headers: { location: `${baseUrl}/docs` } }));
