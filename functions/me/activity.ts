import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { listActivity } from '../../shared/services/activity.ts';

export const handler = defineHandler(meRoutes['me.activity'], ({ caller, query }) => listActivity(caller, query));
