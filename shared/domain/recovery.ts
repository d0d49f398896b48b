/**
 * The recovery policy: password reset, invitations and email changes go through single-use links
 * mailed to the address they prove (db/links.ts). Only the newest link of each kind works.
 * - A reset link works for RESET_MINUTES; at most RESET_MAILS_PER_ADDRESS reset mails go to one
 *   address an hour (beyond, none is sent and the answer stays the same), and at most
 *   RESETS_PER_NETWORK requests come from one source network an hour (beyond, 429).
 * - An invitation works for INVITE_DAYS; a new address confirms within EMAIL_CONFIRM_HOURS; the old
 *   address can cancel (or undo) the change for EMAIL_CANCEL_DAYS. An account asks for at most
 *   EMAIL_CHANGES_PER_HOUR changes an hour (beyond, 429): each leaves a cancel link that a
 *   cancellation later reads and withdraws, so their number stays bounded. One account mails one new
 *   address at most RESET_MAILS_PER_ADDRESS times an hour, and all accounts together at most
 *   EMAIL_CHANGE_MAILS_PER_ADDRESS: another account cannot spend the owner's budget with one account.
 * - The notice of an added second factor carries a "this wasn't me" link that works FACTOR_UNDO_DAYS:
 *   it removes that factor and any added since, ends every session and stops the password until a
 *   reset (services/factor-undo.ts).
 */
export const RESET_MINUTES = 30;
export const RESET_MAILS_PER_ADDRESS = 3;
export const RESETS_PER_NETWORK = 30;
export const RECOVERY_WINDOW_SECONDS = 60 * 60;
export const INVITE_DAYS = 7;
export const EMAIL_CONFIRM_HOURS = 24;
export const EMAIL_CANCEL_DAYS = 7;
export const FACTOR_UNDO_DAYS = 7;
export const EMAIL_CHANGES_PER_HOUR = 10;
export const EMAIL_CHANGE_MAILS_PER_ADDRESS = 10;
