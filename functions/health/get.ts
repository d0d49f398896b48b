import { defineOpenHandler } from '../../shared/http/open-handler.ts';
import { healthRoutes } from '../../shared/routes/health.ts';

export const handler = defineOpenHandler(healthRoutes['health.get'], async () => ({ status: 'ok' }));
