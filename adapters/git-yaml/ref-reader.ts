/**
 * Reads which commit a ref points to straight from the repository's files (loose ref, then
 * packed-refs), so a read costs a file read instead of a `git` process. Git updates refs by
 * writing a lock file and renaming it, so a read never sees a torn value. Anything unusual (a
 * reftable repository, a symbolic ref chain, an unreadable file) answers `undefined` and the
 * caller falls back to `git rev-parse`.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export type RefAnswer = { kind: "commit"; sha: string } | { kind: "unborn" } | { kind: "unknown" };

/** Reads one small file, trimmed; undefined when it cannot be read. Injectable so tests can count reads. */
export type TextFileReader = (file: string) => Promise<string | undefined>;

export class RefReader {
  private commonDir: Promise<string | undefined> | undefined;

  constructor(
    private readonly gitDir: string,
    private readonly readText: TextFileReader = readTextFile,
  ) {}

  async read(ref: string): Promise<RefAnswer> {
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
