import { defineHandler } from '../../shared/http/handler.ts';
import { authLogout } from '../../shared/routes/auth-logout.ts';
import { logout } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authLogout, ({ caller }) => logout(caller));
