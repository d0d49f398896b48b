import { createUserBody, deleteUserBody, listUsersQuery, updateUserBody, user, userIdParams, userPage } from '../schemas/users.ts';
import * as example from './examples.ts';
import { type RouteDef, route } from './route.ts';

/** PUT and PATCH /users/{id}: one handler, one behaviour, two methods. */
const userUpdate = {
  path: '/users/{id}',
  entry: 'functions/users/update.ts',
  etag: true,
  honours: ['if-match'],
  auth: 'user',
  webauthn: true,
  bcrypt: true,
  mail: true,
  data: 'write',
  errors: [409],
  params: userIdParams,
  body: updateUserBody,
  status: 200,
  response: user,
} satisfies Partial<RouteDef>;

export const usersRoutes = {
  'users.list': route({
    method: 'GET',
    path: '/users',
    entry: 'functions/users/list.ts',
    auth: 'admin',
    data: 'read',
    summary: 'List users, newest first',
    description:
      'Admins only. Users, newest first, a page at a time: `limit` (1-100, default 20) per page, and the `next_cursor` of one page as `cursor` for the next. `email` finds the user with that address.',
    responseExample: { items: [example.john, example.user], next_cursor: example.nextCursor },
    query: listUsersQuery,
    status: 200,
    response: userPage,
  }),
  'users.create': route({
    method: 'POST',
    path: '/users',
    entry: 'functions/users/create.ts',
    etag: true,
    location: (user: { user_id: string }) => `/users/${user.user_id}`,
    auth: 'admin',
    webauthn: true,
    bcrypt: true,
    mail: true,
    data: 'write',
    errors: [409],
    summary: 'Create a user: an invitation mail lets them choose their password',
    description:
      "Admins only. Creates a user with any role (an admin needs the acting admin's step-up). Without a `password` (the usual way) the address gets an invitation: a single-use link (`<public URL>/#invite=<token>`, valid 7 days) with which its owner chooses a password (POST /auth/invite/accept), which also proves the address; until then the account cannot sign in. A `password` sets it instead and sends no mail (for accounts whose mailbox nobody reads, such as test accounts; the address stays unverified until a reset); it needs the acting admin's step-up too, so a stolen admin token cannot hold a free address with a password it knows. An email or username already registered answers 409.",
    requestExample: { name: 'John Doe', email: 'john@example.com', phone: '1234567890', country: 'India' },
    responseExample: example.john,
    body: createUserBody,
    status: 201,
    response: user,
  }),
  'users.get': route({
    method: 'GET',
    path: '/users/{id}',
    entry: 'functions/users/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a user (admin, or the user themself)',
    description:
      "Users read their own profile and admins anyone's; another user's id answers 404, as if it did not exist. The ETag is the version, for If-Match on update or delete.",
    responseExample: example.user,
    params: userIdParams,
    status: 200,
    response: user,
  }),
  'users.update': route({
    ...userUpdate,
    method: 'PUT',
    summary: 'Partially update a user (If-Match for optimistic locking; your own email or password: current_password too)',
    description:
      'Changes only the fields sent. Send the ETag of your read as If-Match: if the user has changed since, the answer is 412 and nothing is written. Changing your own email or password, or as an admin anyone else’s, needs the caller’s step-up: `current_password` (or `totp_code`, or `passkey`); only an admin changes a `role`, and making an admin or changing an admin’s role (your own included) needs step-up too. A new `email` does not apply at once: the answer (200) shows the old `email` with `pending_email` and `pending_email_expires_at`; a link valid 24 hours goes to the new address (`<public URL>/#confirm-email=<token>`, POST /auth/email/confirm, which also needs the password of the account), and the old address gets a notice with a link that cancels the change and signs out every session (`#cancel-email=`, POST /auth/email/cancel). The answer is the same whether or not the new address belongs to another account (its owner is told someone tried, and no link goes out); an account asks for at most 10 changes of address an hour (beyond, 429 with Retry-After). A new password ends every session and is notified by mail. A username already taken answers 409.',
    requestExample: { address: '456 Another St, New City' },
    responseExample: { ...example.user, address: '456 Another St, New City', version: 2, updated_at: example.updated },
  }),
  'users.patch': route({
    ...userUpdate,
    method: 'PATCH',
    summary: 'Same as PUT: partial update',
    description:
      'The same partial update as PUT /users/{id}, for clients that expect PATCH: only the fields sent change, with the same rules for If-Match, `current_password`, `role` and a pending `email`.',
    requestExample: { name: 'Mario Mario' },
    responseExample: { ...example.user, name: 'Mario Mario', version: 2, updated_at: example.updated },
  }),
  'users.delete': route({
    method: 'DELETE',
    path: '/users/{id}',
    entry: 'functions/users/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    webauthn: true,
    bcrypt: true,
    mail: true,
    data: 'write',
    errors: [409],
    summary: 'Delete a user with their sessions and uniqueness markers (deleting yourself: current_password in the body)',
    description:
      'Deletes the user, ends all their sessions, frees their email and username and deletes their key-value entries, health records and account activity, and mails a notice to their address. Deleting yourself or (as an admin) another admin needs step-up in the body (`current_password`, `totp_code` or `passkey`); an admin deleting a user who is not an admin sends no body. If-Match deletes only the version read.',
    requestExample: { current_password: 'Str0ng!Passw0rd' },
    params: userIdParams,
    body: deleteUserBody,
    status: 204,
  }),
} as const satisfies Record<string, RouteDef>;
