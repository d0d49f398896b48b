import { defineHandler } from '../../shared/http/handler.ts';
import { paymentsRoutes } from '../../shared/routes/payments.ts';
import { listPayments } from '../../shared/services/payments.ts';

export const handler = defineHandler(paymentsRoutes['payments.list'], ({ caller, query }) => listPayments(caller, query));
