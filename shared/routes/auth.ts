import { loginBody, refreshBody, session, tokens } from '../schemas/auth.ts';
import { registerBody } from '../schemas/users.ts';
import * as example from './examples.ts';
import { type RouteDef, route } from './route.ts';

export const authRoutes = {
  'auth.register': route({
    method: 'POST',
    path: '/auth/register',
    entry: 'functions/auth/register.ts',
    location: (session: { user: { user_id: string } }) => `/users/${session.user.user_id}`,
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [409],
    summary: 'Create an account and sign in',
    description:
      'Creates an account with the `user` role and signs it in: the answer carries the profile and a token pair. The password needs 8 or more characters (at most 72 bytes in UTF-8) with a lowercase and an uppercase letter, a digit and a special character. An email or username already registered answers 409.',
    requestExample: { email: 'jane@example.com', password: 'Str0ng!Passw0rd', name: 'Jane Doe', username: 'jane_doe', gender: 'Female' },
    responseExample: { user: example.user, ...example.tokens, device_token: example.deviceToken },
    body: registerBody,
    status: 201,
    response: session,
  }),
  'auth.login': route({
    method: 'POST',
    path: '/auth/login',
    entry: 'functions/auth/login.ts',
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [401],
    summary: 'Sign in with email or username and password',
    description:
      'Send `email` or `username` (one of them) with the password. A wrong email, username or password answers the same 401. Failed attempts are counted per account and per network: past the limit the answer is 429 with Retry-After, and the password is not checked. The answer carries a `device_token`: keep it for this account and send it with the next sign-in (and with `current_password`), and attempts from this device are judged on its own record (5 failures in a row end it), never slowed or locked by failures elsewhere.',
    requestExample: { email: 'jane@example.com', password: 'Str0ng!Passw0rd', device_token: example.deviceToken },
    responseExample: { user: example.user, ...example.tokens, device_token: example.deviceToken },
    body: loginBody,
    status: 200,
    response: session,
  }),
  'auth.token': route({
    method: 'POST',
    path: '/auth/token',
    entry: 'functions/auth/token.ts',
    auth: 'none',
    data: 'write',
    errors: [401],
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'Each refresh token works once: the answer carries a new access token and a new refresh token. The same refresh token sent again within 10 seconds (two tabs, a retry) answers the same pair; sent later it is a replay, which ends the session. An expired, replayed or revoked refresh token answers 401: sign in again.',
    requestExample: { refresh_token: example.tokens.refresh_token },
    responseExample: example.tokens,
    body: refreshBody,
    status: 200,
    response: tokens,
  }),
  'auth.logout': route({
    method: 'POST',
    path: '/auth/logout',
    entry: 'functions/auth/logout.ts',
    auth: 'user',
    data: 'write',
    summary: 'End this session: the access token and its refresh tokens stop working',
    description:
      "Revokes the session of the access token sent: that token and its refresh tokens stop working at once. The account's other sessions stay open.",
    status: 204,
  }),
} as const satisfies Record<string, RouteDef>;
