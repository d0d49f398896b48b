import { health } from '../schemas/health.ts';
import type { OpenRoute } from './route.ts';

export const healthRoutes = {
  'health.get': {
    method: 'GET',
    path: '/health',
    entry: 'functions/health/get.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'Liveness check',
    status: 200,
    response: health,
  },
} as const satisfies Record<string, OpenRoute>;
