/**
 * The sign-in policy: password attempts (sign-in and re-authentication) are counted before the
 * password is checked.
 * - From a recognised device (a device token the account gave at an earlier sign-in): on that
 *   device's own record only; DEVICE_MAX_FAILURES failures in a row end the device (db/devices.ts).
 *   So an attacker who knows only the email cannot slow the owner down.
 * - From any other client: per account and per source network, each in a window opened by its first attempt.
 *   - Per source network: SOURCE_MAX_FAILURES failures lock that network out of that account until the window ends.
 *   - Per account, from anywhere: past ACCOUNT_SLOW_AFTER failures, one attempt every ACCOUNT_INTERVAL_MS
 *     (slowed, never locked: an owner on a new device still gets in, if more slowly).
 * - A right password gives its own attempt back; it never erases other failures, so it cannot lift a lock.
 * db/login-attempts.ts counts atomically by these rules.
 */
export const WINDOW_SECONDS = 15 * 60;
export const SOURCE_MAX_FAILURES = 5;
export const ACCOUNT_SLOW_AFTER = 10;
export const ACCOUNT_INTERVAL_MS = 30_000;
export const DEVICE_MAX_FAILURES = 5;

/** What the client is told when an attempt is refused, by which counter refused it. */
export const REFUSED = {
  source: 'Too many failed attempts for this account from your network; retry later.',
  account: 'Too many failed attempts for this account; retry in a few seconds, or sign in from a device you signed in from before.',
} as const;

/**
 * What an address is counted by: an IPv4 address, or an IPv6 address's /64 (one subscriber's
 * network, in which they may pick any address).
 */
export function sourceNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest);
  }
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
