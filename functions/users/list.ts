import { defineHandler } from '../../shared/http/handler.ts';
import { usersRoutes } from '../../shared/routes/users.ts';
import { listUsers } from '../../shared/services/users.ts';

export const handler = defineHandler(usersRoutes['users.list'], ({ caller, query }) => listUsers(caller, query));
