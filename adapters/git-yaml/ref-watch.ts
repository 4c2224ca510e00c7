/**
 * Notices when the branch a git-YAML backend serves moves — a commit through the gateway, or anyone's
 * `git commit`, `git push` or `git gc` — so the gateway can keep answers built from it until then.
 *
 * Two ways, both cheap: a file-system watch on the folders holding the ref files (the loose ref,
 * packed-refs, HEAD), which reports a change at once where the file system supports it; and a read
 * of the branch head every `intervalMs`, for file systems that do not (network mounts) and watches
 * that died (a folder removed by `git pack-refs`; re-established on the next check). A listener may
 * be called when nothing moved; it is never left uncalled once the head moved, at most `intervalMs`
 * late.
 */
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

export interface RefWatchOptions {
  /** How often the head is read whatever the watch reports (ms). */
  intervalMs: number;
  /** The branch head now (undefined: no commits yet). */
  head: () => Promise<string | undefined>;
  /** The files whose change can move the branch; undefined when refs are not plain files (reftable). */
  files: () => Promise<string[] | undefined>;
  /** A head that could not be read (logged by the adapter); the next check tries again. */
  onError?: (err: unknown) => void;
  /** Injectable for tests (a watch that never reports). */
  watchDir?: (dir: string, onChange: (name: string | null) => void) => FSWatcher;
}

const NOT_READ = Symbol("not read");

export class RefWatch {
  readonly #listeners = new Set<() => void>();
  /** Live watches by folder, and the file names in each that matter. */
  readonly #watchers = new Map<string, FSWatcher>();
  #names = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  #last: string | undefined | typeof NOT_READ = NOT_READ;
  #checking: Promise<void> | undefined;
  #closed = false;

  constructor(private readonly opts: RefWatchOptions) {}

  /** Calls `listener` when the head may have moved; once soon after the first subscription too (answers built before the watch started). */
  subscribe(listener: () => void): () => void {
    if (this.#closed) return () => {};
    this.#listeners.add(listener);
    if (this.#timer === undefined) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  /** Tells listeners now (a write through the adapter moved the branch). */
  changed(): void {
    this.#notify();
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#stop();
  }

  #start(): void {
    this.#timer = setInterval(() => void this.#check(), this.opts.intervalMs);
    this.#timer.unref();
    // The watches first, then the first read (#check): a move after the watches exist is reported
    // by them, one before is in the first read, and the first read tells listeners (whatever they
    // built before it may predate the move).
    void this.#check();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    this.#last = NOT_READ;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }

  /** Makes sure the watches exist, reads the head, and tells listeners when it differs from the last read (or there was none). */
  #check(): Promise<void> {
    this.#checking ??= (async () => {
      try {
        await this.#ensureWatches();
        const head = await this.opts.head();
        if (this.#timer === undefined) return;
        // Unknown before (the first read, or after a failed one) counts as moved.
        const moved = this.#last !== head;
        this.#last = head;
        if (moved) this.#notify();
      } catch (err) {
        this.opts.onError?.(err);
        // Unknown: whatever was built may be stale.
        this.#last = NOT_READ;
        this.#notify();
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }

  /** Watches every folder holding a ref file that has none yet (a folder that does not exist yet is tried again on the next check). */
  async #ensureWatches(): Promise<void> {
    let files: string[] | undefined;
    try {
      files = await this.opts.files();
    } catch {
      files = undefined;
    }
    if (files === undefined || this.#timer === undefined) return;
    const names = new Map<string, Set<string>>();
    for (const file of files) {
      const dir = path.dirname(file);
      const set = names.get(dir) ?? new Set<string>();
      set.add(path.basename(file));
      names.set(dir, set);
    }
    this.#names = names;
    for (const dir of names.keys()) {
      if (this.#watchers.has(dir)) continue;
      try {
        const onChange = (name: string | null) => {
          // Git writes `<ref>.lock` and renames it over the ref: only the ref's own name matters.
          if (name === null || this.#names.get(dir)?.has(name)) {
            this.#notify();
            void this.#check();
          }
        };
        const watcher = (this.opts.watchDir ?? watchDirectory)(dir, onChange);
        watcher.on("error", () => {
          watcher.close();
          if (this.#watchers.get(dir) === watcher) this.#watchers.delete(dir);
        });
        this.#watchers.set(dir, watcher);
      } catch {
        // ENOENT (the folder appears with the first loose ref), ENOSPC (inotify limits): the periodic check covers it.
      }
    }
  }
}

function watchDirectory(dir: string, onChange: (name: string | null) => void): FSWatcher {
  return watch(dir, { persistent: false }, (_event, name) => onChange(name === null ? null : String(name)));
}
