import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { endSession } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['me.endSession'], ({ caller, params }) => endSession(caller, params.id));
