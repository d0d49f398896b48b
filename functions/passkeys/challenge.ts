import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { stepUpChallenge } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.challenge'], ({ caller }) => stepUpChallenge(caller));
