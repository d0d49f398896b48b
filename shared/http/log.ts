import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs (one line per request). Never pass a body, token, password or phone here:
 * call sites log ids, routes, statuses and error names only.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'user-data-api' });
