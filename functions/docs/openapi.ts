import { defineOpenHandler } from '../../shared/http/open-handler.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import { docsRoutes } from '../../shared/routes/docs.ts';

export const handler = defineOpenHandler(docsRoutes['docs.openapi'], async ({ baseUrl }) => openApiDocument(baseUrl));
