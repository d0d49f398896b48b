import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequest, HttpProblem } from './problem.ts';

export const MAX_BODY_BYTES = 64 * 1024;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * Reads the JSON body: 413 above the route's limit (64 KiB by default), 415 for a body that is not JSON, 400 for malformed JSON.
 * (Middy's json-body-parser answers malformed JSON with 422 and has no size limit, hence this.)
 */
export const jsonBody = (maxBytes = MAX_BODY_BYTES): middy.MiddlewareObj<APIGatewayProxyEvent> => ({
  before: (request) => {
    const { event } = request;
    if (event.body === null || event.body === '') {
      event.body = undefined as never;
      return;
    }
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
      throw new HttpProblem(413, `The request body exceeds ${maxBytes} bytes.`);
    }
    if (!JSON_TYPE.test(event.headers?.['content-type'] ?? '')) {
      throw new HttpProblem(415, 'Send the body as application/json.');
    }
    try {
      event.body = JSON.parse(raw); // as Middy's own parser does: the handler sees the parsed value
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
  },
});
