import { defineHandler } from '../../shared/http/handler.ts';
import { usersRoutes } from '../../shared/routes/users.ts';
import { getUser } from '../../shared/services/users.ts';

export const handler = defineHandler(usersRoutes['users.get'], ({ caller, params }) => getUser(caller, params.id));
