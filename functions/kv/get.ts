import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { entryReply, getEntry } from '../../shared/services/kv.ts';

export const handler = defineHandler(routes['kv.get'], async ({ caller, params }) => entryReply(await getEntry(caller, params.key)));
