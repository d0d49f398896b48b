import { assetParams } from '../schemas/web.ts';
import { ASSETS } from '../web/static.ts';
import { type OpenRoute, route } from './route.ts';

/** Declared apart from its neighbours (route.ts says why). */
export const webConsole = route({
  method: 'GET',
  path: '/',
  entry: 'functions/web/console.ts',
  auth: 'none',
  apiKey: false,
  data: 'none',
  staticFiles: ['console.html'],
  consoleApiKey: true,
  produces: ['text/html'],
  summary: 'The web console',
  description: "The browser console of this API: sign up, sign in and work with your data. Needs no API key: the page carries the console's own key.",
  status: 200,
}) satisfies OpenRoute;

export const webRoutes = {
  'web.console': webConsole,
  'web.asset': /* @__PURE__ */ route({
    method: 'GET',
    path: '/assets/{file}',
    entry: 'functions/web/asset.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    staticFiles: ASSETS,
    produces: ['text/javascript', 'text/css'],
    errors: [404],
    summary: 'Scripts and styles of the console and the docs',
    description: 'The scripts and styles of the console and of the documentation pages, by file name; any other name answers 404.',
    params: assetParams,
    status: 200,
  }),
} as const satisfies Record<string, OpenRoute>;
