import { defineHandler } from '../../shared/http/handler.ts';
import { usersRoutes } from '../../shared/routes/users.ts';
import { deleteUser } from '../../shared/services/users.ts';

export const handler = defineHandler(usersRoutes['users.delete'], ({ caller, params, body, condition, sourceIp, header }) =>
  deleteUser(caller, params.id, body, { condition, sourceIp, userAgent: header('user-agent') }),
);
