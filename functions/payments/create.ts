import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { createPayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.create'], ({ caller, body, header }) =>
  createPayment(caller, body, header('idempotency-key')),
);
