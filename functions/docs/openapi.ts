import { defineOpenHandler } from '../../shared/http/open-handler.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import { docsRoutes } from '../../shared/routes/docs.ts';

// The server is the stage's path (relative to where the document was fetched), never the Host header.
export const handler = defineOpenHandler(docsRoutes['docs.openapi'], async ({ basePath }) => openApiDocument(basePath || '/'));
