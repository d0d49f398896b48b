import { defineHandler } from '../../shared/http/handler.ts';
import { paymentsRoutes } from '../../shared/routes/payments.ts';
import { getPayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(paymentsRoutes['payments.get'], ({ caller, params }) => getPayment(caller, params.id));
