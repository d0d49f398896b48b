import { accountExport, listSessionsQuery, sessionIdParams, sessionPage } from '../schemas/me.ts';
import { user } from '../schemas/users.ts';
import type { RouteDef } from './route.ts';

export const meRoutes = {
  'me.get': {
    method: 'GET',
    path: '/me',
    entry: 'functions/me/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: "The caller's profile",
    status: 200,
    response: user,
  },
  'me.export': {
    method: 'GET',
    path: '/me/export',
    entry: 'functions/me/export.ts',
    auth: 'user',
    data: 'read',
    summary: 'Everything the API holds about you: profile, key-value entries, payments (masked), records, open sessions',
    status: 200,
    response: accountExport,
  },
  'me.sessions': {
    method: 'GET',
    path: '/me/sessions',
    entry: 'functions/me/sessions.ts',
    auth: 'user',
    data: 'read',
    summary: 'Your open sessions (signed-in devices); `current` marks the one you are using',
    query: listSessionsQuery,
    status: 200,
    response: sessionPage,
  },
  'me.endSession': {
    method: 'DELETE',
    path: '/me/sessions/{id}',
    entry: 'functions/me/end-session.ts',
    auth: 'user',
    data: 'write',
    summary: 'Sign one of your sessions out: its access and refresh tokens stop working',
    params: sessionIdParams,
    status: 204,
  },
} as const satisfies Record<string, RouteDef>;
