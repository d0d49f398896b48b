import { loginBody, refreshBody, session, tokens } from '../schemas/auth.ts';
import { registerBody } from '../schemas/users.ts';
import { authLogout } from './auth-logout.ts';
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
    responseExample: { user: example.user, ...example.tokens },
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
      'Send `email` or `username` (one of them) with the password. A wrong email, username or password answers the same 401. Failed attempts are counted per account and per network: past the limit the answer is 429 with Retry-After, and the password is not checked.',
    requestExample: { email: 'jane@example.com', password: 'Str0ng!Passw0rd' },
    responseExample: { user: example.user, ...example.tokens },
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
      'Each refresh token works once: the answer carries a new access token and a new refresh token. An expired, used or revoked refresh token answers 401: sign in again.',
    requestExample: { refresh_token: example.tokens.refresh_token },
    responseExample: example.tokens,
    body: refreshBody,
    status: 200,
    response: tokens,
  }),
  'auth.logout': authLogout,
} as const satisfies Record<string, RouteDef>;
