import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { listUsers } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['users.list'], ({ query }) => listUsers(query));
