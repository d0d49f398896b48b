import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { deleteUser } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['users.delete'], ({ caller, params, body, condition, sourceIp }) =>
  deleteUser(caller, params.id, body, { condition, sourceIp }),
);
