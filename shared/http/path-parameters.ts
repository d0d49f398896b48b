import type { APIGatewayProxyEvent } from 'aws-lambda';

const decodeOnce = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not valid percent-encoding: the client meant it literally
  }
};

/**
 * The path parameters as the client meant them, decoded exactly once.
 *
 * A REST API delivers `event.path` as the client sent it, percent-encoded; whether it also hands
 * `pathParameters` over still encoded or already decoded (as the local gateway does) is not settled
 * from here. So each parameter is compared with its raw segment of the path: equal means it is still
 * encoded and is decoded once; different means it was decoded already, and decoding it again would
 * turn a key's literal `%41` into `A`. Segments are matched from the end because behind a custom
 * domain `path` starts with the base path mapping.
 */
export function pathParametersOf(event: Pick<APIGatewayProxyEvent, 'resource' | 'path' | 'pathParameters'>): Record<string, string | undefined> {
  const parameters = { ...event.pathParameters };
  const template = (event.resource ?? '').split('/');
  const segments = (event.path ?? '').split('/');
  const offset = segments.length - template.length;
  template.forEach((part, i) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name && parameters[name] !== undefined && parameters[name] === segments[offset + i]) parameters[name] = decodeOnce(parameters[name]);
  });
  return parameters;
}
