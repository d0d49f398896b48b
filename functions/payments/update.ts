import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { paymentReply, updatePayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.update'], async ({ caller, params, body, header }) =>
  paymentReply(await updatePayment(caller, params.id, body, header('if-match'))),
);
