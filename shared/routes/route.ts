/**
 * What a route declaration says. Each resource declares its routes in a file of its own
 * (shared/routes/<resource>.ts), which its functions import; shared/routes.ts indexes them all for the
 * stack, the OpenAPI document, the local gateway, the bench and the tests.
 */
import type * as z from 'zod/mini';
import type { StaticFile } from '../web/static.ts';

/**
 * A schema builder (shared/schemas/): the pipeline builds a route's request schemas once, on its first
 * request, and only the OpenAPI document builds the response schemas.
 */
export type Schema = () => z.ZodMiniType;

/** `none`: anyone (with the API key unless `apiKey: false`); `user`: any signed-in account; `admin`: admins only. */
export type AuthLevel = 'none' | 'user' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  method: Method;
  path: string;
  /** Handler source, relative to the project root; the export is always `handler`. */
  entry: string;
  auth: AuthLevel;
  /** `false`: not covered by the usage plan (no API key needed). */
  apiKey?: false;
  summary: string;
  /** The docs' account of the route: what it does, its rules and limits, and the errors a client should expect. */
  description: string;
  /** A request body for the docs (the seeds' samples where they fit), typed by `body` (see `route`). */
  requestExample?: unknown;
  /** A success body for the docs, typed by `response`. */
  responseExample?: unknown;
  /**
   * What the route does with the table. It decides the function's IAM permissions and its app secret
   * in the stack (infra/functions.ts) and the order against the session check in the pipeline: a
   * `read` route's work runs alongside the check, inside readOnly (its writes refused).
   */
  data: 'none' | 'read' | 'write';
  body?: Schema;
  /** Largest request body accepted (default 64 KiB). */
  maxBodyBytes?: number;
  params?: Schema;
  query?: Schema;
  /** Success status and body schema (no body for 204; none either for HTML, scripts and redirects). */
  status: number;
  response?: Schema;
  /** Media types of a success body that is not JSON (pages, scripts, styles). */
  produces?: string[];
  /** Statuses this route answers besides the ones every route of its kind has (see openapi.ts). */
  errors?: number[];
  /** The files the route serves from web/ and Swagger UI (shared/web/static.ts): its function ships them. */
  staticFiles?: readonly StaticFile[];
  /** The function needs the client API key's value (the console embeds it in the page). */
  consoleApiKey?: true;
  /** Sends mail through SES: the function gets the sender, the public URL and `ses:SendEmail` on the sender's identity, nothing more. */
  mail?: true;
  /** Runs or checks passkey ceremonies (WebAuthn): the function gets the public URL, whose host is the relying party's id and whose origin is the only one accepted. */
  webauthn?: true;
  /** Hashes or checks a password with bcrypt, which is CPU-bound: the stack gives it more memory, so more CPU. */
  bcrypt?: true;
  /** The answer is a versioned resource: its `version` goes out as the ETag. */
  etag?: true;
  /** Where a created resource lives, from the API's root: sent as Location with a 201. */
  // biome-ignore lint/suspicious/noExplicitAny: each route's location reads its own created body (the shape of its response schema), which one RouteDef for every route cannot name
  location?: (created: any) => string;
  /** Answers 201 when it creates and `status` when it replaces (the handler tells which). */
  creates?: true;
  /** Request headers the route honours: If-Match and If-None-Match (a 412 when stale), Idempotency-Key. */
  honours?: ('if-match' | 'if-none-match' | 'idempotency-key')[];
}

/**
 * The examples a route's docs need, typed by its own schemas: a request example with a body, a response
 * example with a JSON response (linters check both against the document, too).
 */
type Examples<R> = (R extends { body: () => infer B extends z.ZodMiniType } ? { requestExample: z.input<B> } : { requestExample?: never }) &
  (R extends { response: () => infer S extends z.ZodMiniType } ? { responseExample: z.output<S> } : unknown);

/**
 * A route declaration, checked: its examples fit its schemas. A function bundles its resource's whole
 * declaration object, and with it its neighbours' schemas; a route with no schema whose neighbours
 * have some is declared on its own (auth-logout.ts; web.ts's console, its one neighbour's call marked
 * pure), so that its function does not carry zod (~29 KB) that it never runs.
 */
export const route = <R extends RouteDef>(declaration: R & Examples<R>): R => declaration;

/** A route anyone may call that never touches the table: its function has no data client and no session check. */
export type OpenRoute = RouteDef & { auth: 'none'; data: 'none' };
