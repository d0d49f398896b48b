/**
 * What each function is, declared once for the CDK stack and the local runtime: one function per
 * handler file (PUT and PATCH /users/{id} share one), its memory, timeout, environment, and what it
 * may touch (table access and secrets). The stack turns a spec into a NodejsFunction with IAM grants;
 * `npm start` runs the same spec in a worker with the same environment. No CDK import here: the local
 * runtime loads this file.
 */
import type { Limits } from '../shared/config/limits.ts';
import { type RouteDef, routes } from '../shared/routes.ts';

/** A route table: the product's (shared/routes.ts), or a larger one the stack's growth test builds. */
export type RouteTable = Readonly<Record<string, RouteDef>>;

/**
 * Memory of the functions that hash or check passwords. bcrypt is CPU-bound and Lambda's CPU grows
 * with memory (a full vCPU at 1,769 MB): at 1,024 MB a login measured 142–184 ms here would take up
 * to ~320 ms, at 1,536 MB up to ~210 ms (tools/bench/report.md, section 5).
 */
export const PASSWORD_MEMORY_MB = 1536;
export const DEFAULT_MEMORY_MB = 1024;
export const TIMEOUT_SECONDS = 10;
export const SERVICE_NAME = 'user-data-api';

export interface FunctionSpec {
  /** PascalCase id from the handler file: functions/users/update.ts → UsersUpdate. */
  id: string;
  entry: string;
  routeIds: string[];
  memoryMB: number;
  timeoutSeconds: number;
  /** Table access: the strongest any of its routes needs. */
  data: 'none' | 'read' | 'write';
  /** Reads the application secret (keys for tokens, fields, cursors, hashes). */
  appSecret: boolean;
  /** Reads the client API key's secret (the console embeds the key). */
  consoleApiKey: boolean;
  /** Ships web/ and Swagger UI's files. */
  staticFiles: boolean;
  /** Sends mail (SES): MAIL_FROM and PUBLIC_URL in its environment, ses:SendEmail on the sender's identity. */
  mail: boolean;
  /** Reads the public URL (PUBLIC_URL): links in mail, the passkeys' relying party. */
  publicUrl: boolean;
}

/** Where a function's environment points: CDK tokens in the stack, local values in `npm start`. */
export interface FunctionResources {
  tableName: string;
  appSecretArn: string;
  consoleKeySecretArn: string;
  corsOrigins: string[];
  /** Limits the functions apply themselves (CDK context, or cdk.json locally). */
  limits: Limits;
  /** The sender of every mail (a verified SES identity's address) and the base of every link in one. */
  mailFrom: string;
  publicUrl: string;
}

/** The part of a handler's path below functions/: users/update.ts. */
const handlerPath = (entry: string) => entry.replace(/^(?:.*\/)?functions\//, '');

export const functionId = (entry: string) =>
  handlerPath(entry)
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The resource group of a handler: its folder under functions/ in PascalCase (functions/kv/get.ts → Kv).
 * The stack deploys each group's functions in a nested stack of their own.
 */
export const functionGroup = (entry: string) => functionId(handlerPath(entry).split('/')[0] ?? entry);

const strongest = (levels: RouteDef['data'][]) => (levels.includes('write') ? 'write' : levels.includes('read') ? 'read' : 'none');

/** Every function, by handler entry, in route-table order. */
export function functionSpecs(memorySize = DEFAULT_MEMORY_MB, table: RouteTable = routes): Map<string, FunctionSpec> {
  const specs = new Map<string, FunctionSpec>();
  for (const [routeId, route] of Object.entries(table)) {
    const known = specs.get(route.entry);
    const routeIds = [...(known?.routeIds ?? []), routeId];
    const defs = routeIds.map((id) => table[id] as RouteDef);
    specs.set(route.entry, {
      id: functionId(route.entry),
      entry: route.entry,
      routeIds,
      memoryMB: defs.some((r) => r.bcrypt) ? Math.max(memorySize, PASSWORD_MEMORY_MB) : memorySize,
      timeoutSeconds: TIMEOUT_SECONDS,
      data: strongest(defs.map((r) => r.data)),
      appSecret: defs.some((r) => r.data !== 'none'),
      consoleApiKey: defs.some((r) => r.consoleApiKey),
      staticFiles: defs.some((r) => r.staticFiles !== undefined),
      mail: defs.some((r) => r.mail),
      publicUrl: defs.some((r) => r.mail || r.webauthn),
    });
  }
  return specs;
}

/** The environment variables the function's code reads (Lambda adds its own, AWS_REGION among them). */
export function functionEnvironment(spec: FunctionSpec, resources: FunctionResources): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    ...(spec.data !== 'none' && {
      TABLE_NAME: resources.tableName,
      KV_MAX_KEYS: String(resources.limits.kvMaxKeys),
      KV_MAX_BYTES: String(resources.limits.kvMaxBytes),
      RECORD_LOOKUPS_PER_HOUR: String(resources.limits.recordLookupsPerHour),
      ADMIN_MFA_REQUIRED: String(resources.limits.adminMfaRequired),
    }),
    ...(spec.appSecret && { SECRET_ARN: resources.appSecretArn }),
    ...(spec.consoleApiKey && { CONSOLE_API_KEY_SECRET_ARN: resources.consoleKeySecretArn }),
    ...(spec.mail && { MAIL_FROM: resources.mailFrom }),
    ...(spec.publicUrl && { PUBLIC_URL: resources.publicUrl }),
    ...(resources.corsOrigins.length > 0 && { CORS_ORIGINS: resources.corsOrigins.join(',') }),
  };
}
