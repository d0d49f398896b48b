import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { addUser } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['users.create'], ({ body }) => addUser(body));
