/**
 * The index of every route: each resource declares its own in shared/routes/<resource>.ts, which its
 * functions import (so a function bundles only its resource's declarations and schemas); the CDK
 * stack, the OpenAPI document, the local gateway, the bench and the tests read them all here.
 * Route ids are `<resource>.<operation>`; the order here is the OpenAPI document's.
 */
import { authRoutes } from './routes/auth.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { kvRoutes } from './routes/kv.ts';
import { meRoutes } from './routes/me.ts';
import { passkeysRoutes } from './routes/passkeys.ts';
import { paymentsRoutes } from './routes/payments.ts';
import { recordsRoutes } from './routes/records.ts';
import type { RouteDef } from './routes/route.ts';
import { usersRoutes } from './routes/users.ts';
import { webRoutes } from './routes/web.ts';

export type { AuthLevel, Method, OpenRoute, RouteDef, Schema } from './routes/route.ts';

export const routes = {
  ...healthRoutes,
  ...authRoutes,
  ...meRoutes,
  ...passkeysRoutes,
  ...usersRoutes,
  ...paymentsRoutes,
  ...kvRoutes,
  ...recordsRoutes,
  ...docsRoutes,
  ...webRoutes,
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof routes;
