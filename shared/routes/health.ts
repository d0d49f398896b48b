import { health } from '../schemas/health.ts';
import { type OpenRoute, route } from './route.ts';

export const healthRoutes = {
  'health.get': route({
    method: 'GET',
    path: '/health',
    entry: 'functions/health/get.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'Liveness check',
    description:
      'Answers `{"status":"ok"}` while the function runs. It needs no API key and reads no data, so it suits uptime checks (it says nothing about the table).',
    responseExample: { status: 'ok' },
    status: 200,
    response: health,
  }),
} as const satisfies Record<string, OpenRoute>;
