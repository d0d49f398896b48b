import { loginBody, loginResult, refreshBody, session, signUpAnswer, tokens, verifyBody } from '../schemas/auth.ts';
import { mfaBody } from '../schemas/factors.ts';
import { registerBody } from '../schemas/users.ts';
import { authLogout } from './auth-logout.ts';
import * as example from './examples.ts';
import { type RouteDef, route } from './route.ts';

export const authRoutes = {
  'auth.register': route({
    method: 'POST',
    path: '/auth/register',
    entry: 'functions/auth/register.ts',
    auth: 'none',
    bcrypt: true,
    mail: true,
    data: 'write',
    errors: [409, 429],
    summary: 'Sign up: a link to confirm the address goes out by mail',
    description:
      'Creates no account yet: it mails a single-use link (`<public URL>/#verify=<token>`, valid 24 hours) to the address, and the account exists once the link is followed (POST /auth/verify). The answer is the same 202 whether or not the address already has an account; its owner then gets a mail saying someone tried, with links to sign in and to reset the password. Until verified, a sign-up cannot sign in and blocks nobody: whoever verifies the address first gets it, and every other pending sign-up of it is deleted. The password needs 8 or more characters (at most 72 bytes in UTF-8) with a lowercase and an uppercase letter, a digit and a special character. A username already taken answers 409. At most 3 sign-up mails go to one address an hour (beyond, none is sent and the answer is the same); more than 100 sign-ups an hour from one network answer 429 with Retry-After.',
    requestExample: { email: 'jane@example.com', password: 'Str0ng!Passw0rd', name: 'Jane Doe', username: 'jane_doe', gender: 'Female' },
    responseExample: { status: 'verification_sent', email: 'jane@example.com' },
    body: registerBody,
    status: 202,
    response: signUpAnswer,
  }),
  'auth.verify': route({
    method: 'POST',
    path: '/auth/verify',
    entry: 'functions/auth/verify.ts',
    auth: 'none',
    data: 'write',
    errors: [409, 422],
    summary: 'Confirm a sign-up with the token from its mail: creates the account and signs in',
    description:
      'Send the token of the link mailed by POST /auth/register (the part after `#verify=`). The account is created with its email verified (`email_verified_at`) and signed in: the answer carries the profile and a token pair. The token works once. An unknown, used or expired token, or an address that has been verified by someone else meanwhile, answers 422 (`invalid or expired link`): sign up again. A username taken meanwhile answers 409.',
    requestExample: { token: 'pU3x0B6mK1cWq9yZs4LtR8vN2aDf7HjE5gQiYoAuXw0' },
    responseExample: { user: { ...example.user, email_verified_at: example.created }, ...example.tokens, device_token: example.deviceToken },
    body: verifyBody,
    status: 200,
    response: session,
  }),
  'auth.login': route({
    method: 'POST',
    path: '/auth/login',
    entry: 'functions/auth/login.ts',
    auth: 'none',
    webauthn: true,
    bcrypt: true,
    mail: true,
    data: 'write',
    errors: [401],
    summary: 'Sign in with email or username and password',
    description:
      'Send `email` or `username` (one of them) with the password. A wrong email, username or password answers the same 401. Failed attempts are counted per account and per network: past the limit the answer is 429 with Retry-After, and the password is not checked. The answer carries a `device_token`: keep it for this account and send it with the next sign-in (and with `current_password`), and attempts from this device are judged on its own record (5 failures in a row end it), never slowed or locked by failures elsewhere. For an account with a second factor the right password answers `mfa_required` with a `challenge` (5 minutes, single use) and the `methods` it accepts instead of tokens: send it with a code to POST /auth/login/mfa.',
    requestExample: { email: 'jane@example.com', password: 'Str0ng!Passw0rd', device_token: example.deviceToken },
    responseExample: { user: example.user, ...example.tokens, device_token: example.deviceToken },
    body: loginBody,
    status: 200,
    response: loginResult,
  }),
  'auth.loginMfa': route({
    method: 'POST',
    path: '/auth/login/mfa',
    entry: 'functions/auth/login-mfa.ts',
    auth: 'none',
    webauthn: true,
    mail: true,
    data: 'write',
    errors: [401],
    summary: 'Finish a sign-in with a second factor: the challenge and a TOTP or recovery code',
    description:
      'The second step of a sign-in for an account with a second factor: the `challenge` from POST /auth/login and either `code` (the 6 digits of the authenticator; each code is accepted once) or `recovery_code` (each works once). Answers the profile and a token pair. A wrong code answers 401; the fifth ends the challenge (sign in again), and wrong codes also count against the account like wrong passwords (429 with Retry-After past the limit).',
    requestExample: { challenge: example.tokens.refresh_token, code: '123456' },
    responseExample: { user: example.user, ...example.tokens, device_token: example.deviceToken },
    body: mfaBody,
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
  'auth.logout': authLogout,
} as const satisfies Record<string, RouteDef>;
