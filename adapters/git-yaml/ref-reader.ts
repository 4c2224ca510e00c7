/**
 * Reads which commit a ref points to straight from the repository's files (loose ref, then
 * packed-refs), so a read costs a file read instead of a `git` process. Git updates refs by
 * writing a lock file and renaming it, so a read never sees a torn value. Anything unusual (a
 * reftable repository, a symbolic ref chain, an unreadable file) answers `undefined` and the
 * caller falls back to `git rev-parse`.
 *
 * Concurrent reads of one ref are shared, without ever answering from before the call: a read
 * already under way started before a new caller arrived, so it might miss a commit made just before
 * the call; the caller instead joins the one read queued behind it, which starts when the current
 * one ends and serves every caller that arrived meanwhile. Under load a ref is read about once per
 * file read's time (16 concurrent resolves: 2 reads instead of 16), and a commit is still seen by
 * every call that starts after it.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export type RefAnswer = { kind: "commit"; sha: string } | { kind: "unborn" } | { kind: "unknown" };

/** Reads one small file, trimmed; undefined when it cannot be read. Injectable so tests can count reads. */
export type TextFileReader = (file: string) => Promise<string | undefined>;

export class RefReader {
  private commonDir: Promise<string | undefined> | undefined;
  /** Per ref: the read under way, and the read queued behind it for callers that arrived after it started. */
  private readonly shared = new Map<string, { running: Promise<RefAnswer>; queued?: Promise<RefAnswer> }>();

  constructor(
    private readonly gitDir: string,
    private readonly readText: TextFileReader = readTextFile,
  ) {}

  /** Where `ref` points now: a read that starts after this call, shared with other callers (above). */
  read(ref: string): Promise<RefAnswer> {
    const current = this.shared.get(ref);
    if (current === undefined) return this.start(ref);
    current.queued ??= current.running.then(
      () => this.start(ref),
      () => this.start(ref),
    );
    return current.queued;
  }

  private start(ref: string): Promise<RefAnswer> {
    const running = this.readNow(ref);
    const entry = { running };
    this.shared.set(ref, entry);
    const done = () => {
      if (this.shared.get(ref) === entry) this.shared.delete(ref);
    };
    running.then(done, done);
    return running;
  }

  private async readNow(ref: string): Promise<RefAnswer> {
    const common = await (this.commonDir ??= this.findCommonDir());
    if (common === undefined) return { kind: "unknown" };
    let name = ref;
    // HEAD is read on every call: a repository that went away must not look like an empty one.
    const head = await this.readText(path.join(this.gitDir, "HEAD"));
    if (head === undefined) return { kind: "unknown" };
    if (ref === "HEAD") {
      if (SHA.test(head)) return { kind: "commit", sha: head };
      const match = /^ref: (refs\/\S+)$/.exec(head);
      if (!match) return { kind: "unknown" };
      name = match[1] as string;
    }
    if (!name.startsWith("refs/heads/")) return { kind: "unknown" };
    const loose = await this.readText(path.join(common, name));
    if (loose !== undefined) return SHA.test(loose) ? { kind: "commit", sha: loose } : { kind: "unknown" };
    const packed = await this.readText(path.join(common, "packed-refs"));
    if (packed !== undefined) {
      for (const line of packed.split("\n")) {
        const [sha, refName] = line.split(" ");
        if (refName === name && sha !== undefined && SHA.test(sha)) return { kind: "commit", sha };
      }
    }
    return { kind: "unborn" };
  }

  /**
   * The files whose change can move `ref`: HEAD (for "HEAD"), the loose ref and packed-refs.
   * undefined when refs are not plain files here (reftable, an unreadable HEAD).
   */
  async files(ref: string): Promise<string[] | undefined> {
    const common = await (this.commonDir ??= this.findCommonDir());
    if (common === undefined) return undefined;
    const files = [path.join(common, "packed-refs")];
    let name = ref;
    if (ref === "HEAD") {
      files.push(path.join(this.gitDir, "HEAD"));
      const head = await this.readText(path.join(this.gitDir, "HEAD"));
      if (head === undefined) return undefined;
      const match = /^ref: (refs\/\S+)$/.exec(head);
      if (!match) return files;
      name = match[1] as string;
    }
    if (!name.startsWith("refs/heads/")) return undefined;
    files.push(path.join(common, name));
    return files;
  }

  /** The directory holding refs (differs from gitDir in linked worktrees); undefined for reftable repositories. */
  private async findCommonDir(): Promise<string | undefined> {
    const pointer = await this.readText(path.join(this.gitDir, "commondir"));
    const common = pointer === undefined ? this.gitDir : path.resolve(this.gitDir, pointer);
    const reftable = await stat(path.join(common, "reftable")).then(
      () => true,
      () => false,
    );
    return reftable ? undefined : common;
  }
}

async function readTextFile(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    return undefined;
  }
}
