import * as z from 'zod/mini';
import { ASSETS } from '../web/static.ts';

/** Any other name is a 404 from the function (not a 400): the list is documented, not validated. */
export const assetParams = () => z.strictObject({ file: z.string().check(z.meta({ enum: [...ASSETS] })) });
