import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { createUser, userReply } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['users.create'], async ({ body }) => userReply(await createUser(body), 201));
