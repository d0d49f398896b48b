import { defineHandler, Reply } from '../../shared/http/handler.ts';
import { paymentsRoutes } from '../../shared/routes/payments.ts';
import { createPayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(paymentsRoutes['payments.create'], async ({ caller, body, header }) => {
  const { result, replayed } = await createPayment(caller, body, header('idempotency-key'));
  return replayed ? new Reply(result, { headers: { 'idempotent-replayed': 'true' } }) : result;
});
