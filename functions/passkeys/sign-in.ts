import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { signInWithPasskey } from '../../shared/services/accounts.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.signIn'], ({ body, sourceIp, header }) =>
  signInWithPasskey(body, { sourceIp, userAgent: header('user-agent') }),
);
