import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getVisiblePayment, paymentReply } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.get'], async ({ caller, params }) =>
  paymentReply(await getVisiblePayment(caller, params.id)),
);
