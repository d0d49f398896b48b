/**
 * The sign-up policy. An address counts only once its owner followed the single-use link mailed to
 * it; until then the registration is a claim that cannot sign in and blocks nobody (pre-hijacking,
 * Sudhodanan and Paverd 2022). Sign-up answers alike for a free and a taken address; the mail says which.
 * - At most MAILS_PER_ADDRESS sign-up mails to one address an hour: beyond, none is sent and the answer stays the same.
 * - At most SIGN_UPS_PER_NETWORK sign-ups from one source network an hour: beyond, 429 (it tells nothing about addresses).
 */
export const MAILS_PER_ADDRESS = 3;
export const SIGN_UPS_PER_NETWORK = 100;
export const WINDOW_SECONDS = 60 * 60;
