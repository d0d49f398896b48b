/**
 * Hot reload for `npm start`: a change under functions/, shared/ or web/ retires the functions'
 * instances (idle ones at once, busy ones when their request ends), so the next request starts an
 * instance that loads the changed code: a worker thread has a module graph of its own. DynamoDB Local,
 * the gateway and this process keep running.
 */
import { watch } from 'node:fs';
import { join } from 'node:path';

export const WATCHED_DIRS = ['functions', 'shared', 'web'];

export interface HotReloadOptions {
  root: string;
  dirs?: string[];
  reload(): Promise<void>;
  /** One line per reload: `reloaded (<files>)`. */
  log(line: string): void;
  /** Saving several files at once (a formatter, a branch switch) makes one reload. */
  debounceMs?: number;
}

export function watchSources({ root, dirs = WATCHED_DIRS, reload, log, debounceMs = 100 }: HotReloadOptions): { close(): void } {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    const files = [...changed].sort();
    changed.clear();
    await reload();
    log(`reloaded (${files.join(', ')})`);
  };
  const watchers = dirs.map((dir) =>
    watch(join(root, dir), { recursive: true }, (_event, name) => {
      // Editors' swap, backup and lock files are not code.
      if (!name || /(^|\/)\.|~$/.test(name)) return;
      changed.add(join(dir, name));
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), debounceMs);
    }),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
