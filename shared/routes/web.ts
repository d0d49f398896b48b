import { assetParams } from '../schemas/web.ts';
import { ASSETS } from '../web/static.ts';
import type { OpenRoute } from './route.ts';

export const webRoutes = {
  'web.console': {
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
    status: 200,
  },
  'web.asset': {
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
    params: assetParams,
    status: 200,
  },
} as const satisfies Record<string, OpenRoute>;
