import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getVisibleUser, userReply } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['users.get'], async ({ caller, params }) => userReply(await getVisibleUser(caller, params.id)));
