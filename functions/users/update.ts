import { defineHandler } from '../../shared/http/handler.ts';
import { usersRoutes } from '../../shared/routes/users.ts';
import { updateUser } from '../../shared/services/users.ts';

// Serves PUT and PATCH /users/{id}: both are partial updates, as the seeds use PUT.
export const handler = defineHandler(usersRoutes['users.update'], ({ caller, params, body, condition, sourceIp, header }) =>
  updateUser(caller, params.id, body, { condition, sourceIp, userAgent: header('user-agent') }),
);
