/**
 * What a session shows its owner about where it signed in: the browser and system named by the
 * User-Agent (a few well-known patterns, in the order that tells them apart: Edge and Opera say
 * "Chrome" too, Chrome says "Safari"), and the coarse network (an IPv4 /24, an IPv6 /64).
 * A User-Agent is the client's to write: this is a hint for a person, never a security decision.
 */
import { sourceNetwork } from './sign-in.ts';

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/(?:OPR|Opera)\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/^curl\/(\d+)/, 'curl'],
  [/^node(?:-fetch)?(?:\/(\d+))?/i, 'Node.js'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows NT/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** "Firefox 128 on Windows", "Safari 17 on iOS", or "Unknown device". */
export function describeDevice(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').slice(0, 512);
  const browser = BROWSERS.map(([pattern, name]) => {
    const match = pattern.exec(ua);
    return match && (match[1] ? `${name} ${match[1]}` : name);
  }).find(Boolean);
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `A browser on ${system}` : 'Unknown device');
}

/** The network an address belongs to, coarsely: `203.0.113.0/24`, `2001:db8:1:2::/64`. */
export function coarseNetwork(ip: string): string {
  const network = sourceNetwork(ip);
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(network);
  return v4 ? `${v4[1]}.0/24` : network;
}

/** How a session was signed in. */
export type SignInMethod = 'password' | 'password+totp' | 'password+recovery_code' | 'password+passkey' | 'passkey';
