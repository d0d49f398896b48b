import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { listPayments } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.list'], ({ caller, query }) => listPayments(caller, query));
