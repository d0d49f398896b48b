import { type BundlingOptions, type ICommandHooks, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { VENDOR_FILES } from '../shared/web/static.ts';
import { esbuildTarget } from './runtime.ts';

/**
 * How every function is bundled: local esbuild (no Docker), ESM, minified, the AWS SDK bundled in
 * (not the runtime's copy), no source maps (they cost 30-50 ms of cold start). The bundle test
 * builds with exactly these options.
 */
export const bundling: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: false,
  target: esbuildTarget,
  mainFields: ['module', 'main'],
  externalModules: [],
  forceDockerBundling: false,
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
};

/** The same options for esbuild's own API, as the bench builds with them (tools/bench/bundles.ts, first-use.ts). */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: bundling.minify,
  target: bundling.target,
  mainFields: bundling.mainFields,
  banner: bundling.banner ? { js: bundling.banner } : undefined,
} satisfies BuildOptions;

/** The console's and the docs' files travel in the bundle, where shared/web/static.ts looks for them. */
export const copyStaticFiles: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    `mkdir -p "${outputDir}/web/vendor"`,
    `cp -r "${inputDir}/web/console" "${inputDir}/web/docs" "${outputDir}/web/"`,
    ...VENDOR_FILES.map((file) => `cp "${inputDir}/node_modules/${file}" "${outputDir}/web/vendor/"`),
  ],
};
