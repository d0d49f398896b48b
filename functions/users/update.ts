import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { updateUser, userReply } from '../../shared/services/users.ts';

// Serves PUT and PATCH /users/{id}: both are partial updates, as the seeds use PUT.
export const handler = defineHandler(routes['users.update'], async ({ caller, params, body, header, sourceIp }) =>
  userReply(await updateUser(caller, params.id, body, { ifMatch: header('if-match'), sourceIp })),
);
