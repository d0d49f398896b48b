import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getUser } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['users.get'], ({ caller, params }) => getUser(caller, params.id));
