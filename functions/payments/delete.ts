import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { deletePayment } from '../../shared/services/payments.ts';

export const handler = defineHandler(routes['payments.delete'], ({ caller, params, condition }) => deletePayment(caller, params.id, condition));
