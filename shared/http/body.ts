import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidInput, TooLarge, UnsupportedMediaType } from '../errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;
/** Deeper JSON is refused before it is parsed or validated (validators recurse; this limit is documented). */
export const MAX_JSON_DEPTH = 32;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
/** A charset parameter other than UTF-8's names (quoted or not): JSON is UTF-8 (RFC 8259), anything else would be misread. */
const otherCharset = (type: string) =>
  type
    .split(';')
    .slice(1)
    .map((parameter) =>
      parameter.split('=').map((part) =>
        part
          .trim()
          .replace(/^"(.*)"$/, '$1')
          .toLowerCase(),
      ),
    )
    .some(([name, value]) => name === 'charset' && value !== 'utf-8' && value !== 'utf8');
/** U+FFFD as a character in the text: what invalid UTF-8 becomes when bytes are read as text (API Gateway, Node). */
const REPLACEMENT = '\uFFFD';

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

/** The body's text: bytes sent base64 must be valid UTF-8; text must not carry U+FFFD, the mark of bytes that were not (400 either way). */
function bodyText(event: APIGatewayProxyEvent): string {
  const body = event.body ?? '';
  let text: string;
  try {
    text = event.isBase64Encoded ? new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(body, 'base64')) : body;
  } catch {
    text = REPLACEMENT;
  }
  if (text.includes(REPLACEMENT)) {
    throw new InvalidInput('The request body is not valid UTF-8 (a literal U+FFFD counts as a decoding failure: send it escaped as \\ufffd).', [
      { path: 'body', message: 'Must be valid UTF-8' },
    ]);
  }
  return text;
}

/**
 * Reads the JSON body: 413 above the route's limit (64 KiB by default), 415 for a body that is not
 * JSON or not in UTF-8, 400 for invalid UTF-8, malformed JSON or nesting deeper than MAX_JSON_DEPTH.
 * Undefined when there is no body.
 * (Middy's json-body-parser answers malformed JSON with 422 and has neither limit, hence this.)
 */
export function readJsonBody(event: APIGatewayProxyEvent, maxBytes = MAX_BODY_BYTES): JsonBody | undefined {
  if (event.body === null || event.body === '') return undefined;
  const size = event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
  if (size > maxBytes) throw new TooLarge(`The request body exceeds ${maxBytes} bytes.`);
  const type = event.headers?.['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) throw new UnsupportedMediaType('Send the body as application/json.');
  if (otherCharset(type)) throw new UnsupportedMediaType('Send the body in UTF-8 (charset=utf-8, or no charset).');
  const text = bodyText(event).trim();
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
