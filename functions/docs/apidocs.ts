import { defineHandler, Reply } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';

export const handler = defineHandler(routes['docs.apidocs'], async ({ baseUrl }) => new Reply(undefined, { headers: { location: `${baseUrl}/docs` } }));
