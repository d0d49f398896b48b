import { loginBody, refreshBody, session, tokens } from '../schemas/auth.ts';
import { registerBody } from '../schemas/users.ts';
import type { RouteDef } from './route.ts';

export const authRoutes = {
  'auth.register': {
    method: 'POST',
    path: '/auth/register',
    entry: 'functions/auth/register.ts',
    location: (session) => `/users/${session.user.user_id}`,
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [409],
    summary: 'Create an account and sign in',
    body: registerBody,
    status: 201,
    response: session,
  },
  'auth.login': {
    method: 'POST',
    path: '/auth/login',
    entry: 'functions/auth/login.ts',
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [401],
    summary: 'Sign in with email or username and password',
    body: loginBody,
    status: 200,
    response: session,
  },
  'auth.token': {
    method: 'POST',
    path: '/auth/token',
    entry: 'functions/auth/token.ts',
    auth: 'none',
    data: 'write',
    errors: [401],
    summary: 'Exchange a refresh token for a new token pair',
    body: refreshBody,
    status: 200,
    response: tokens,
  },
  'auth.logout': {
    method: 'POST',
    path: '/auth/logout',
    entry: 'functions/auth/logout.ts',
    auth: 'user',
    data: 'write',
    summary: 'End this session: the access token and its refresh tokens stop working',
    status: 204,
  },
} as const satisfies Record<string, RouteDef>;
