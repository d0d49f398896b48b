/**
 * Hot reload for `npm start`: a change under functions/, shared/ or web/ retires the functions'
 * instances (idle ones at once, busy ones when their request ends), so the next request starts an
 * instance that loads the changed code: a worker thread has a module graph of its own. DynamoDB Local,
 * the gateway and this process keep running.
 *
 * Every directory is watched itself, never a file: a directory's watch names each entry that changes
 * however it was written, in place or as a new file renamed over the old one (vim, JetBrains' safe
 * write, git checkout). fs.watch's `recursive` option watches each file's inode on Linux, and goes
 * deaf to a file once such a save has replaced it: the first save reloaded, later ones did nothing.
 */
import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join, relative, sep } from 'node:path';

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

/** Editors' swap, backup and lock files are not code. */
const ignored = (name: string) => name.startsWith('.') || name.endsWith('~');

const inodeOf = (path: string) => {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? stats.ino : undefined;
  } catch {
    return undefined; // gone
  }
};

export function watchSources({ root, dirs = WATCHED_DIRS, reload, log, debounceMs = 100 }: HotReloadOptions): { close(): void } {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    const files = [...changed].sort();
    changed.clear();
    await reload();
    log(`reloaded (${files.join(', ')})`);
  };

  /** Each watched directory, with the inode it had: one removed and made again is watched anew. */
  const watched = new Map<string, { watcher: FSWatcher; inode: number }>();
  const unwatch = (dir: string) => {
    for (const [path, { watcher }] of watched) {
      if (path !== dir && !path.startsWith(dir + sep)) continue;
      watcher.close();
      watched.delete(path);
    }
  };
  const watchTree = (dir: string) => {
    const inode = inodeOf(dir);
    if (inode === undefined) return unwatch(dir);
    if (watched.get(dir)?.inode === inode) return;
    unwatch(dir);
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name || ignored(name)) return;
        const path = join(dir, name);
        watchTree(path); // a new directory, or one removed or replaced
        changed.add(relative(root, path));
        clearTimeout(timer);
        timer = setTimeout(() => void flush(), debounceMs);
      });
    } catch {
      return; // removed meanwhile
    }
    watcher.on('error', () => unwatch(dir));
    watched.set(dir, { watcher, inode });
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !ignored(entry.name)) watchTree(join(dir, entry.name));
    }
  };
  for (const dir of dirs) watchTree(join(root, dir));

  return {
    close() {
      clearTimeout(timer);
      for (const { watcher } of watched.values()) watcher.close();
      watched.clear();
    },
  };
}
