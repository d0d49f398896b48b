import { defineHandler } from '../../shared/http/handler.ts';
import { usersRoutes } from '../../shared/routes/users.ts';
import { addUser } from '../../shared/services/users.ts';

export const handler = defineHandler(usersRoutes['users.create'], ({ caller, body, sourceIp }) => addUser(caller, body, sourceIp));
