/**
 * POST /auth/logout, in a file of its own: it takes no body, and its function would otherwise bundle
 * its neighbours' schemas and zod (route.ts says why).
 */
import { route } from './route.ts';

export const authLogout = route({
  method: 'POST',
  path: '/auth/logout',
  entry: 'functions/auth/logout.ts',
  auth: 'user',
  data: 'write',
  summary: 'End this session: the access token and its refresh tokens stop working',
  description: "Revokes the session of the access token sent: that token and its refresh tokens stop working at once. The account's other sessions stay open.",
  status: 204,
});
