import { defineHandler } from '../../shared/http/handler.ts';
import { paymentsRoutes } from '../../shared/routes/payments.ts';
import { deletePayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(paymentsRoutes['payments.delete'], ({ caller, params, condition }) => deletePayment(caller, params.id, condition));
