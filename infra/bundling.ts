import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function is bundled: local esbuild (no Docker), ESM, minified, the AWS SDK bundled in
 * (not the runtime's copy), no source maps (they cost 30-50 ms of cold start). The bundle test
 * builds with exactly these options.
 */
export const bundling: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: false,
  target: 'node20',
  mainFields: ['module', 'main'],
  externalModules: [],
  forceDockerBundling: false,
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
};
