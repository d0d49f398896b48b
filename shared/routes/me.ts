import { accountExport, listSessionsQuery, sessionIdParams, sessionPage } from '../schemas/me.ts';
import { user } from '../schemas/users.ts';
import * as example from './examples.ts';
import { type RouteDef, route } from './route.ts';

export const meRoutes = {
  'me.get': route({
    method: 'GET',
    path: '/me',
    entry: 'functions/me/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: "The caller's profile",
    description:
      'The profile of the signed-in account. The ETag is its version: send it as If-Match with PUT /users/{id} so that a concurrent change is not overwritten.',
    responseExample: example.user,
    status: 200,
    response: user,
  }),
  'me.export': route({
    method: 'GET',
    path: '/me/export',
    entry: 'functions/me/export.ts',
    auth: 'user',
    data: 'read',
    summary: 'Everything the API holds about you: profile, key-value entries, payments (masked), records, open sessions',
    description:
      "A copy of everything the API holds about the caller, in one JSON document (the GDPR's right of access): the profile, every key-value entry with its value, payments with their card numbers masked, health records and open sessions. At most 5 MB (Lambda answers at most 6 MB): a larger account gets 409 and reads its data page by page from the list routes.",
    errors: [409],
    responseExample: {
      exported_at: example.updated,
      profile: example.user,
      key_value: [example.kvEntry],
      payments: [example.payment],
      records: [example.record],
      sessions: [{ session_id: 'a9b09ad3-a449-427d-bf54-1c8d437286b3', created_at: example.updated, expires_at: '2026-03-05T17:05:12.000Z', current: true }],
    },
    status: 200,
    response: accountExport,
  }),
  'me.sessions': route({
    method: 'GET',
    path: '/me/sessions',
    entry: 'functions/me/sessions.ts',
    auth: 'user',
    data: 'read',
    summary: 'Your open sessions (signed-in devices); `current` marks the one you are using',
    description:
      "The caller's open sessions, one per sign-in (each refresh-token family), in session-id order, paged with `limit` and `cursor`. `current` marks the session of the access token in use. A page can hold fewer than `limit` sessions (expired ones not yet removed from storage are left out): follow `next_cursor` until it is null.",
    responseExample: {
      items: [{ session_id: 'a9b09ad3-a449-427d-bf54-1c8d437286b3', created_at: example.updated, expires_at: '2026-03-05T17:05:12.000Z', current: true }],
      next_cursor: null,
    },
    query: listSessionsQuery,
    status: 200,
    response: sessionPage,
  }),
  'me.endSession': route({
    method: 'DELETE',
    path: '/me/sessions/{id}',
    entry: 'functions/me/end-session.ts',
    auth: 'user',
    data: 'write',
    summary: 'Sign one of your sessions out: its access and refresh tokens stop working',
    description:
      "Ends one of the caller's sessions at once: its access token is refused from the next request and its refresh token can no longer be used. Another account's session id answers 404, as an unknown one does.",
    params: sessionIdParams,
    status: 204,
  }),
} as const satisfies Record<string, RouteDef>;
