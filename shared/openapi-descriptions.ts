/**
 * What each operation does, in the OpenAPI document only: kept out of the route table, which every
 * function bundles, so that no function carries the API's prose. Every route must have one (tsc checks).
 */
import type { RouteId } from './routes.ts';

export const routeDescriptions: Record<RouteId, string> = {
  'health.get':
    'Answers `{"status":"ok"}` while the function runs. It needs no API key and reads no data, so it suits uptime checks (it says nothing about the table).',
  'auth.register':
    'Creates an account with the `user` role and signs it in: the answer carries the profile and a token pair. The password needs 8 or more characters (at most 72 bytes in UTF-8) with a lowercase and an uppercase letter, a digit and a special character. An email or username already registered answers 409.',
  'auth.login':
    'Send `email` or `username` (one of them) with the password. A wrong email, username or password answers the same 401. Failed attempts are counted per account and per network: past the limit the answer is 429 with Retry-After, and the password is not checked.',
  'auth.token':
    'Each refresh token works once: the answer carries a new access token and a new refresh token. An expired, used or revoked refresh token answers 401: sign in again.',
  'auth.logout':
    "Revokes the session of the access token sent: that token and its refresh tokens stop working at once. The account's other sessions stay open.",
  'me.get':
    'The profile of the signed-in account. The ETag is its version: send it as If-Match with PUT /users/{id} so that a concurrent change is not overwritten.',
  'me.export':
    "A copy of everything the API holds about the caller, in one JSON document (the GDPR's right of access): the profile, every key-value entry with its value, payments with their card numbers masked, health records and open sessions.",
  'me.sessions':
    "The caller's open sessions, one per sign-in (each refresh-token family), in session-id order, paged with `limit` and `cursor`. `current` marks the session of the access token in use. A page can hold fewer than `limit` sessions (expired ones not yet removed from storage are left out): follow `next_cursor` until it is null.",
  'me.endSession':
    "Ends one of the caller's sessions at once: its access token is refused from the next request and its refresh token can no longer be used. Another account's session id answers 404, as an unknown one does.",
  'users.list':
    'Admins only. Users, newest first, a page at a time: `limit` (1-100, default 20) per page, and the `next_cursor` of one page as `cursor` for the next. `email` finds the user with that address.',
  'users.create':
    'Admins only. Creates a user with any role. Without a password the user cannot sign in until one is set with PUT /users/{id}. An email or username already registered answers 409.',
  'users.get':
    "Users read their own profile and admins anyone's; another user's id answers 404, as if it did not exist. The ETag is the version, for If-Match on update or delete.",
  'users.update':
    'Changes only the fields sent. Send the ETag of your read as If-Match: if the user has changed since, the answer is 412 and nothing is written. Changing your own email or password needs `current_password`; only an admin changes a `role`. An email or username already taken answers 409.',
  'users.patch':
    'The same partial update as PUT /users/{id}, for clients that expect PATCH: only the fields sent change, with the same rules for If-Match, `current_password` and `role`.',
  'users.delete':
    'Deletes the user, ends all their sessions, frees their email and username and deletes their key-value entries and health records. Deleting yourself needs `current_password` in the body; an admin deleting another user sends no body. If-Match deletes only the version read.',
  'payments.list':
    "Payments, newest first, a page at a time (`limit` 1-100, default 20; the `next_cursor` of one page as `cursor` for the next). Users see their own; admins see everyone's, or one user's with `user_id`. A user naming another `user_id` gets 404.",
  'payments.create':
    'Records a card payment. The card number (12-19 digits, Luhn-checked) is stored encrypted and answered masked; the CVC (3 digits, 4 for American Express) is checked, then discarded; an expired card is refused. `amount` is a JSON number or a decimal string with at most as many decimals as its currency has (ISO 4217). With an Idempotency-Key a retry is safe: the same key and body within 24 hours replay the first answer, the same key with another body answers 422. Admins may pay for another user with `user_id`.',
  'payments.get': "The payment's owner or an admin reads it; to anyone else it does not exist (404). The card number comes masked; the ETag is the version.",
  'payments.update':
    'Status moves only forward: pending to completed or failed, completed to refunded. Amount, currency and card change only while the payment is pending (409 after); a new card number needs its expiry and CVC. If-Match with the ETag read makes the write conditional (412 when stale).',
  'payments.delete': 'Only a pending payment can be deleted (409 otherwise), by its owner or an admin. If-Match deletes only the version read.',
  'kv.list':
    'Your keys in key order, without their values (read one with GET /kv/{key}). `prefix` keeps the keys that start with it; `limit` (1-100, default 20) per page, and the `next_cursor` of one page as `cursor` for the next.',
  'kv.get':
    "The value stored under the key (URL-encoded in the path), with its version as the ETag. Keys are private: another user's key of the same name is another entry.",
  'kv.put':
    "The body is the value itself: any JSON value, up to 256 KiB in UTF-8 and 32 levels of nesting. Keys are 1-256 characters without control characters; URL-encode them in the path (`/` as `%2F`). Answers 201 when the key is new and 200 when its value is replaced. `If-None-Match: *` creates only; `If-Match` with an ETag replaces only that version (412 otherwise). Each user's store holds a limited number of keys and bytes: 409 when it is full.",
  'kv.delete': 'Deletes the key and its value; a key you do not have answers 404. If-Match deletes only the version read.',
  'records.list':
    "Your health records, newest first, a page at a time (`limit` 1-100, default 20; the `next_cursor` of one page as `cursor` for the next). Admins list any user's with `user_id`; a user naming someone else gets 404.",
  'records.create':
    'Records a name, a date of birth, a height (30-280 cm) and a weight (1-650 kg) for a 10-digit phone number. The phone is stored only as a keyed hash, never in clear, and is not answered back. One record per phone per owner: a second answers 409.',
  'records.get':
    "The record's owner or an admin reads it; to anyone else it does not exist (404). Record ids come from the answers of create, list and lookup.",
  'records.lookup':
    "Finds records by phone number, sent in the body so that it stays out of URLs and logs. Users see their own record of that phone; admins see every owner's. Lookups are limited per user per hour: 429 with Retry-After past the limit.",
  'records.delete': "The record's owner or an admin deletes it; to anyone else it does not exist (404).",
  'records.deleteByPhone':
    "Deletes your record of the phone number in the body (sent in the body so that it stays out of URLs and logs); admins delete every owner's record of it. 404 when there is none.",
  'docs.openapi':
    "The OpenAPI 3.1 description of this API, generated from the route table and the validation schemas, with this deployment's address as its server. Needs no API key.",
  'docs.ui': 'Swagger UI, served from this origin under a strict Content-Security-Policy, to read this document and try the routes. Needs no API key.',
  'docs.apidocs': "The documentation's address in the service this API replaces: a 302 redirect to /docs.",
  'web.console': "The browser console of this API: sign up, sign in and work with your data. Needs no API key: the page carries the console's own key.",
  'web.asset': 'The scripts and styles of the console and of the documentation pages, by file name; any other name answers 404.',
};
