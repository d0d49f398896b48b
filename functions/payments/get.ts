import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getPayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.get'], ({ caller, params }) => getPayment(caller, params.id));
