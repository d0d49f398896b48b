import { kvEntry, kvPage, kvParams, kvValue, listKvQuery } from '../schemas/kv.ts';
import * as example from './examples.ts';
import { type RouteDef, route } from './route.ts';

export const kvRoutes = {
  'kv.list': route({
    method: 'GET',
    path: '/kv',
    entry: 'functions/kv/list.ts',
    auth: 'user',
    data: 'read',
    summary: 'List your keys in key order (optionally by prefix)',
    description:
      'Your keys in key order, without their values (read one with GET /kv/{key}). `prefix` keeps the keys that start with it; `limit` (1-100, default 20) per page, and the `next_cursor` of one page as `cursor` for the next.',
    responseExample: {
      items: [example.kvMeta, { key: 'settings/language', version: 1, created_at: example.created, updated_at: example.created }],
      next_cursor: example.nextCursor,
    },
    query: listKvQuery,
    status: 200,
    response: kvPage,
  }),
  'kv.get': route({
    method: 'GET',
    path: '/kv/{key}',
    entry: 'functions/kv/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a value',
    description:
      "The value stored under the key (URL-encoded in the path), with its version as the ETag. Keys are private: another user's key of the same name is another entry.",
    responseExample: example.kvEntry,
    params: kvParams,
    status: 200,
    response: kvEntry,
  }),
  'kv.put': route({
    method: 'PUT',
    path: '/kv/{key}',
    entry: 'functions/kv/put.ts',
    etag: true,
    creates: true,
    location: (entry: { key: string }) => `/kv/${encodeURIComponent(entry.key)}`,
    honours: ['if-match', 'if-none-match'],
    auth: 'user',
    data: 'write',
    errors: [409],
    summary: 'Create (201) or replace (200) a value; If-None-Match: * creates only, If-Match compares and swaps',
    description:
      "The body is the value itself: any JSON value, up to 256 KiB in UTF-8 and 32 levels of nesting. Keys are 1-256 characters without control characters; URL-encode them in the path (`/` as `%2F`). Answers 201 when the key is new and 200 when its value is replaced. `If-None-Match: *` creates only; `If-Match` with an ETag replaces only that version (412 otherwise). Each user's store holds a limited number of keys and bytes: 409 when it is full.",
    requestExample: { mode: 'dark', accent: '#3366ff' },
    responseExample: example.kvEntry,
    params: kvParams,
    body: kvValue,
    maxBodyBytes: 512 * 1024,
    status: 200,
    response: kvEntry,
  }),
  'kv.delete': route({
    method: 'DELETE',
    path: '/kv/{key}',
    entry: 'functions/kv/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    data: 'write',
    summary: 'Delete a value (If-Match honoured)',
    description: 'Deletes the key and its value; a key you do not have answers 404. If-Match deletes only the version read.',
    params: kvParams,
    status: 204,
  }),
} as const satisfies Record<string, RouteDef>;
