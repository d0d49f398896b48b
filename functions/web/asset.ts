import { defineHandler, Reply } from '../../shared/http/handler.ts';
import { NotFound } from '../../shared/errors.ts';
import { routes } from '../../shared/routes.ts';
import { readStatic, STATIC_FILES, type StaticFile } from '../../shared/web/static.ts';

const PUBLIC = ['console.js', 'console.css', 'docs.js', 'swagger-ui-bundle.js', 'swagger-ui.css'];

export const handler = defineHandler(routes['web.asset'], async ({ params }) => {
  if (!PUBLIC.includes(params.file)) throw new NotFound('No such file.');
  const file = params.file as StaticFile;
  return new Reply(readStatic(file), { headers: { 'content-type': STATIC_FILES[file].type, 'cache-control': 'public, max-age=300' } });
});
