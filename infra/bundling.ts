import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { VENDOR_FILES } from '../shared/web/static.ts';
import { esbuildTarget } from './runtime.ts';

/**
 * Libraries the code reaches only through `import()`, on the one path that uses them (a passkey
 * response to verify, a password to score): each ships as a file of its own beside index.mjs, in the
 * functions whose bundle imports it, and is read on its first use. Inlined, every cold start of a
 * function that carries one would read and pre-parse it, used or not (a few hundredths of a ms per KB
 * here; these are 315–450 KB). A static import of one would still work but load it at init:
 * tests/infra/bundle-contents.test.ts refuses that.
 */
export const LAZY_LIBRARIES = {
  '@simplewebauthn/server': 'lazy/simplewebauthn-server.mjs',
  '@zxcvbn-ts/core': 'lazy/zxcvbn-core.mjs',
  '@zxcvbn-ts/language-common': 'lazy/zxcvbn-language-common.mjs',
} as const;

/** Exactly the lazy files, not a pattern: a deep import (`@zxcvbn-ts/core/…`) then fails the build instead of the request. */
const LAZY_EXTERNALS = Object.values(LAZY_LIBRARIES).map((file) => `./${file}`);

/**
 * How every function is bundled: local esbuild (no Docker), ESM, minified, the AWS SDK bundled in
 * (not the runtime's copy), no source maps (they cost 30-50 ms of cold start), the lazy libraries
 * left to files of their own (functionBundling adds the step that builds them).
 */
const bundling: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: false,
  target: esbuildTarget,
  mainFields: ['module', 'main'],
  externalModules: LAZY_EXTERNALS,
  esbuildArgs: { '--alias': Object.entries(LAZY_LIBRARIES).map(([library, file]) => `${library}=./${file}`) },
  forceDockerBundling: false,
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
};

/** The options every bundle shares, for esbuild's own API; the command line below is made from them. */
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
  external: LAZY_EXTERNALS,
} satisfies BuildOptions;

/** A lazy library's own file, for esbuild's own API: the whole package, bundled alike. */
export const lazyLibraryOptions = (library: keyof typeof LAZY_LIBRARIES, outdir: string) =>
  ({ ...commonOptions, entryPoints: [library], outfile: `${outdir}/${LAZY_LIBRARIES[library]}` }) satisfies BuildOptions;

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** commonOptions as esbuild's command-line flags. */
const commonFlags = [
  '--bundle',
  `--platform=${commonOptions.platform}`,
  `--format=${commonOptions.format}`,
  ...(commonOptions.minify ? ['--minify'] : []),
  `--target=${commonOptions.target}`,
  `--main-fields=${commonOptions.mainFields?.join(',')}`,
  ...(commonOptions.banner ? [`--banner:js=${commonOptions.banner.js}`] : []),
]
  .map(quote)
  .join(' ');

/**
 * The same as lazyLibraryOptions on esbuild's command line, for each lazy library a function's
 * index.mjs imports; from the project (where the packages resolve), as CDK's local bundling runs.
 */
const lazyLibraryCommands = (inputDir: string, outputDir: string) =>
  Object.entries(LAZY_LIBRARIES).map(
    ([library, file]) =>
      `if grep -qF ${quote(`"./${file}"`)} "${outputDir}/index.mjs"; then (cd "${inputDir}" && node_modules/.bin/esbuild ${quote(library)} ${commonFlags} --log-level=warning --outfile="${outputDir}/${file}"); fi`,
  );

/**
 * How a function is bundled, with what runs after esbuild: the lazy libraries its bundle imports, and
 * for the console's and the docs' functions their files, where shared/web/static.ts looks for them.
 */
export const functionBundling = ({ staticFiles = false } = {}): BundlingOptions => ({
  ...bundling,
  commandHooks: {
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
  },
});
