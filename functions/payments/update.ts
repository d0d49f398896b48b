import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { updatePayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.update'], ({ caller, params, body, condition }) => updatePayment(caller, params.id, body, condition));
