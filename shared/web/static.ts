/**
 * The console's and the docs' static files. In a Lambda bundle they sit next to the code (the stack
 * copies web/ and Swagger UI's files there); in this repository they are read from web/ and
 * node_modules/swagger-ui-dist. Read once per cold start.
 */
import { existsSync, readFileSync } from 'node:fs';

const bundled = new URL('./web/', import.meta.url);
const inBundle = existsSync(bundled);
const webRoot = inBundle ? bundled : new URL('../../web/', import.meta.url);
const nodeModules = new URL('../../node_modules/', import.meta.url);

/** Files served from packages: by public name, their path under node_modules (the stack copies them to web/vendor/). */
export const VENDOR_FILES = {
  'swagger-ui-bundle.js': 'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui.css': 'swagger-ui-dist/swagger-ui.css',
  'webauthn.js': '@simplewebauthn/browser/dist/bundle/index.umd.min.js',
} as const;
const vendor = (name: keyof typeof VENDOR_FILES) =>
  inBundle ? { root: new URL('./web/vendor/', import.meta.url), path: name } : { root: nodeModules, path: VENDOR_FILES[name] };

/** Every file the API serves, by public name: no path from a request ever reaches the file system. */
export const STATIC_FILES = {
  'console.js': { root: webRoot, path: 'console/app.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { root: webRoot, path: 'console/app.css', type: 'text/css; charset=utf-8' },
  'docs.js': { root: webRoot, path: 'docs/init.js', type: 'text/javascript; charset=utf-8' },
  'passkeys.js': { root: webRoot, path: 'console/passkeys.js', type: 'text/javascript; charset=utf-8' },
  'swagger-ui-bundle.js': { ...vendor('swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { ...vendor('swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'webauthn.js': { ...vendor('webauthn.js'), type: 'text/javascript; charset=utf-8' },
  'console.html': { root: webRoot, path: 'console/index.html', type: 'text/html; charset=utf-8' },
  'docs.html': { root: webRoot, path: 'docs/index.html', type: 'text/html; charset=utf-8' },
} as const;

export type StaticFile = keyof typeof STATIC_FILES;
/** What GET /assets/{file} serves: the console's and the docs' scripts and styles. */
export const ASSETS = [
  'console.js',
  'console.css',
  'passkeys.js',
  'webauthn.js',
  'docs.js',
  'swagger-ui-bundle.js',
  'swagger-ui.css',
] as const satisfies readonly StaticFile[];

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
