import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { register } from '../../shared/services/sign-up.ts';

export const handler = defineHandler(authRoutes['auth.register'], ({ body, sourceIp }) => register(body, sourceIp));
