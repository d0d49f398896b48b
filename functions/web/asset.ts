import { NotFound } from '../../shared/errors.ts';
import { defineOpenHandler, Reply } from '../../shared/http/open-handler.ts';
import { webRoutes } from '../../shared/routes/web.ts';
import { readStatic, STATIC_FILES } from '../../shared/web/static.ts';

const route = webRoutes['web.asset'];
const served = (name: string): name is (typeof route.staticFiles)[number] => (route.staticFiles as readonly string[]).includes(name);

export const handler = defineOpenHandler(route, async ({ params: { file } }) => {
  if (!served(file)) throw new NotFound('No such file.');
  return new Reply(readStatic(file), { headers: { 'content-type': STATIC_FILES[file].type, 'cache-control': 'public, max-age=300' } });
});
