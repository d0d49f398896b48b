import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { signInChallenge } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.signInOptions'], () => signInChallenge());
