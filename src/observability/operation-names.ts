/**
 * GraphQL operation names as metric label values, with bounded cardinality: clients choose the
 * names, so only the first `max` distinct ones get a series of their own and every later new name
 * is counted as "other" (a client sending random names cannot grow the scrape without bound).
 */
export const ANONYMOUS_OPERATION = "anonymous";
export const OTHER_OPERATION = "other";
/** A GraphQL request that never resolved to an operation (it did not parse or validate). */
export const INVALID_OPERATION = "invalid";

/** Longest name kept; longer ones are counted as "other". */
const MAX_NAME_LENGTH = 100;

export class OperationNames {
  readonly #known = new Set<string>();

  constructor(readonly max: number) {}

  /** The label for an operation's name (undefined or null: an anonymous operation). */
  label(name: string | null | undefined): string {
    if (name === undefined || name === null || name === "") return ANONYMOUS_OPERATION;
    if (this.#known.has(name)) return name;
    if (this.#known.size >= this.max || name.length > MAX_NAME_LENGTH) return OTHER_OPERATION;
    this.#known.add(name);
    return name;
  }
}
