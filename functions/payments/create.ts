import { defineHandler, Reply } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { createPayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.create'], async ({ caller, body, header }) => {
  const { result, replayed } = await createPayment(caller, body, header('idempotency-key'));
  return replayed ? new Reply(result, { headers: { 'idempotent-replayed': 'true' } }) : result;
});
