import { defineHandler, Reply } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { register } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['auth.register'], async ({ body }) => {
  const session = await register(body);
  return new Reply(session, { headers: { location: `/users/${session.user.user_id}` } });
});
