/**
 * The console's and the docs' static files. In a Lambda bundle they sit next to the code (the stack
 * copies web/ and Swagger UI's files there); in this repository they are read from web/ and
 * node_modules/swagger-ui-dist. Read once per cold start.
 */
import { existsSync, readFileSync } from 'node:fs';

const bundled = new URL('./web/', import.meta.url);
const inBundle = existsSync(bundled);
const webRoot = inBundle ? bundled : new URL('../../web/', import.meta.url);
const vendorRoot = inBundle ? new URL('./web/vendor/', import.meta.url) : new URL('../../node_modules/', import.meta.url);
/** A file of an npm package served as is: flat in web/vendor/ in a bundle, in node_modules/ here. */
const vendor = (path: string) => ({ root: vendorRoot, path: inBundle ? path.slice(path.lastIndexOf('/') + 1) : path });

/** Every file the API serves, by public name: no path from a request ever reaches the file system. */
export const STATIC_FILES = {
  'console.js': { root: webRoot, path: 'console/app.js', type: 'text/javascript; charset=utf-8' },
  'console-security.js': { root: webRoot, path: 'console/security.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { root: webRoot, path: 'console/app.css', type: 'text/css; charset=utf-8' },
  'docs.js': { root: webRoot, path: 'docs/init.js', type: 'text/javascript; charset=utf-8' },
  'swagger-ui-bundle.js': { ...vendor('swagger-ui-dist/swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { ...vendor('swagger-ui-dist/swagger-ui.css'), type: 'text/css; charset=utf-8' },
  // The console draws the QR code of an authenticator's otpauth:// URI with it, in the browser.
  'qrcode.js': { ...vendor('qrcode-generator/dist/qrcode.js'), type: 'text/javascript; charset=utf-8' },
  'passkeys.js': { root: webRoot, path: 'console/passkeys.js', type: 'text/javascript; charset=utf-8' },
  // The console's passkey ceremonies (@simplewebauthn/browser, a UMD bundle defining SimpleWebAuthnBrowser).
  'webauthn.js': { ...vendor('@simplewebauthn/browser/dist/bundle/index.umd.min.js'), type: 'text/javascript; charset=utf-8' },
  'console.html': { root: webRoot, path: 'console/index.html', type: 'text/html; charset=utf-8' },
  'docs.html': { root: webRoot, path: 'docs/index.html', type: 'text/html; charset=utf-8' },
} as const;

export type StaticFile = keyof typeof STATIC_FILES;
/** What GET /assets/{file} serves: the console's and the docs' scripts and styles. */
export const ASSETS = [
  'console.js',
  'console-security.js',
  'console.css',
  'docs.js',
  'swagger-ui-bundle.js',
  'swagger-ui.css',
  'qrcode.js',
  'passkeys.js',
  'webauthn.js',
] as const satisfies readonly StaticFile[];
/** The npm packages' files the stack copies into a bundle's web/vendor/, relative to node_modules/. */
export const VENDOR_FILES = [
  'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui-dist/swagger-ui.css',
  'qrcode-generator/dist/qrcode.js',
  '@simplewebauthn/browser/dist/bundle/index.umd.min.js',
];

const cache = new Map<StaticFile, string>();
export function readStatic(name: StaticFile): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(STATIC_FILES[name].path, STATIC_FILES[name].root), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** Content-Security-Policy of the pages: scripts and styles from this origin only, API calls to it. */
export const PAGE_CSP = (styles: "'self'" | "'self' 'unsafe-inline'") =>
  `default-src 'none'; script-src 'self'; style-src ${styles}; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'`;

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * A page with its {{NAME}} placeholders filled with escaped values. A replacer function, not a
 * replacement string: String.replace would honour patterns such as $` in a string taken from a request.
 */
export const fillPage = (name: 'console.html' | 'docs.html', values: Record<string, string>) =>
  readStatic(name).replace(/\{\{(\w+)\}\}/g, (placeholder, key: string) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    return value === undefined ? placeholder : escapeHtml(value);
  });
