import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { logout } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['auth.logout'], ({ caller }) => logout(caller));
