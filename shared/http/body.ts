import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidInput, TooLarge, UnsupportedMediaType } from '../errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;
/** Deeper JSON is refused before it is parsed or validated (validators recurse; this limit is documented). */
export const MAX_JSON_DEPTH = 32;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** How deeply arrays and objects nest in a JSON text, counted without recursion (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) deepest = Math.max(deepest, ++depth);
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return deepest;
}

export interface JsonBody {
  /** The JSON text as sent, without surrounding whitespace. */
  text: string;
  value: unknown;
}

/**
 * Reads the JSON body: 413 above the route's limit (64 KiB by default), 415 for a body that is not
 * JSON, 400 for malformed JSON or nesting deeper than MAX_JSON_DEPTH. Undefined when there is no body.
 * (Middy's json-body-parser answers malformed JSON with 422 and has neither limit, hence this.)
 */
export function readJsonBody(event: APIGatewayProxyEvent, maxBytes = MAX_BODY_BYTES): JsonBody | undefined {
  if (event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw new TooLarge(`The request body exceeds ${maxBytes} bytes.`);
  if (!JSON_TYPE.test(event.headers?.['content-type'] ?? '')) throw new UnsupportedMediaType('Send the body as application/json.');
  const text = raw.trim();
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new InvalidInput(`The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`, [
      { path: 'body', message: `At most ${MAX_JSON_DEPTH} levels of nesting` },
    ]);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    throw new InvalidInput('The request body is not valid JSON.');
  }
}
