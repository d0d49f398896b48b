import { defineHandler } from '../../shared/http/handler.ts';
import { paymentsRoutes } from '../../shared/routes/payments.ts';
import { updatePayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(paymentsRoutes['payments.update'], ({ caller, params, body, condition }) =>
  updatePayment(caller, params.id, body, condition),
);
