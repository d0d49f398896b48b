import { type BundlingOptions, type ICommandHooks, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { VENDOR_FILES } from '../shared/web/static.ts';
import { esbuildTarget } from './runtime.ts';

/**
 * Libraries the code reaches only through `import()`, on the one path that uses them (a passkey
 * response to verify, a password to score): each ships as a file of its own beside index.mjs, in the
 * functions whose bundle imports it, and is read on its first use. Inlined, every cold start of a
 * function that carries one would parse it, used or not (about 0.06 ms per KB here; these are
 * 320–450 KB). They share no code with the rest of a bundle. A static import of one would still work
 * but load it at init: tests/infra/bundle-contents.test.ts refuses that.
 */
export const LAZY_LIBRARIES = {
  '@simplewebauthn/server': 'lazy/simplewebauthn-server.mjs',
  '@zxcvbn-ts/core': 'lazy/zxcvbn-core.mjs',
  '@zxcvbn-ts/language-common': 'lazy/zxcvbn-language-common.mjs',
} as const;

const LAZY_EXTERNAL = './lazy/*';

/**
 * How every function is bundled: local esbuild (no Docker), ESM, minified, the AWS SDK bundled in
 * (not the runtime's copy), no source maps (they cost 30-50 ms of cold start), the lazy libraries
 * left to files of their own. The bundle test builds with exactly these options.
 */
export const bundling: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: false,
  target: esbuildTarget,
  mainFields: ['module', 'main'],
  externalModules: [LAZY_EXTERNAL],
  esbuildArgs: { '--alias': Object.entries(LAZY_LIBRARIES).map(([library, file]) => `${library}=./${file}`) },
  forceDockerBundling: false,
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
};

/** The options every bundle shares, for esbuild's own API: the lazy libraries' files are built with these. */
const commonOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: bundling.minify,
  target: bundling.target,
  mainFields: bundling.mainFields,
  banner: bundling.banner ? { js: bundling.banner } : undefined,
} satisfies BuildOptions;

/** A function's bundle for esbuild's own API, as the bench and the bundle test build it (tools/bench/bundles.ts, first-use.ts). */
export const esbuildOptions = {
  ...commonOptions,
  alias: Object.fromEntries(Object.entries(LAZY_LIBRARIES).map(([library, file]) => [library, `./${file}`])),
  external: [LAZY_EXTERNAL],
} satisfies BuildOptions;

/** A lazy library's own file, for esbuild's own API: the whole package, bundled alike. */
export const lazyLibraryOptions = (library: keyof typeof LAZY_LIBRARIES, outdir: string) =>
  ({ ...commonOptions, entryPoints: [library], outfile: `${outdir}/${LAZY_LIBRARIES[library]}` }) satisfies BuildOptions;

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The same with esbuild's command line, for each lazy library a function's index.mjs imports. */
const lazyLibraryCommands = (inputDir: string, outputDir: string) =>
  Object.entries(LAZY_LIBRARIES).map(([library, file]) =>
    [
      `if grep -qF ${quote(`"./${file}"`)} "${outputDir}/index.mjs"; then`,
      `"${inputDir}/node_modules/.bin/esbuild" ${quote(library)} --bundle --platform=node --format=esm`,
      `${bundling.minify ? '--minify' : ''} --target=${bundling.target} --main-fields=${bundling.mainFields?.join(',')}`,
      `${quote(`--banner:js=${bundling.banner}`)} --log-level=warning --outfile="${outputDir}/${file}"; fi`,
    ].join(' '),
  );

/**
 * What runs after esbuild: every function gets the lazy libraries its bundle imports; the console's
 * and the docs' functions also their files, where shared/web/static.ts looks for them.
 */
export const commandHooks = (staticFiles: boolean): ICommandHooks => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    ...lazyLibraryCommands(inputDir, outputDir),
    ...(staticFiles
      ? [
          `mkdir -p "${outputDir}/web/vendor"`,
          `cp -r "${inputDir}/web/console" "${inputDir}/web/docs" "${outputDir}/web/"`,
          ...VENDOR_FILES.map((file) => `cp "${inputDir}/node_modules/${file}" "${outputDir}/web/vendor/"`),
        ]
      : []),
  ],
});
