import { NotFound } from '../../shared/errors.ts';
import { defineHandler, Reply } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { readStatic, STATIC_FILES } from '../../shared/web/static.ts';

const route = routes['web.asset'];
const served = (name: string): name is (typeof route.staticFiles)[number] => (route.staticFiles as readonly string[]).includes(name);

export const handler = defineHandler(route, async ({ params: { file } }) => {
  if (!served(file)) throw new NotFound('No such file.');
  return new Reply(readStatic(file), { headers: { 'content-type': STATIC_FILES[file].type, 'cache-control': 'public, max-age=300' } });
});
