/**
 * The query limits graphql-armor has no rule for, each linear in the document (every fragment is
 * measured once and its result reused wherever it is spread): introspection depth, repeated
 * fields and document length. See ./limits.ts.
 */
import { GraphQLError, Kind, type ASTNode, type SelectionSetNode, type ValidationRule } from "graphql";
import type { LimitsConfig } from "../config/schema.js";

export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX";

export type LimitName = keyof LimitsConfig;

/** The refusal of one limit: "<what> is over the limit of <max> (limits.<limit>)". */
export function limitError(limit: LimitName, max: number, what: string, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(`${what} is over the limit of ${max} (limits.${limit})`, {
    ...(nodes === undefined ? {} : { nodes }),
    extensions: { code: QUERY_TOO_COMPLEX, limit, max },
  });
}

/**
 * Depth of `__schema { ... }` selections, counted from the operation root (where `__schema` is
 * the first level): the standard introspection query is 15 deep. Fragments are flattened and
 * each is measured once.
 */
export function introspectionDepthRule(max: number): ValidationRule {
  return (context) => {
    const fragmentDepth = new Map<string, number>();
    const measuring = new Set<string>();
    const depthOf = (set: SelectionSetNode | undefined): number => {
      if (set === undefined) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        let depth: number;
        if (selection.kind === Kind.FIELD) {
          depth = 1 + depthOf(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = depthOf(selection.selectionSet);
        } else {
          const name = selection.name.value;
          const known = fragmentDepth.get(name);
          if (known !== undefined) {
            depth = known;
          } else {
            const fragment = context.getFragment(name);
            // Unknown fragments and cycles are NoFragmentCycles' and KnownFragmentNames' to report.
            if (fragment == null || measuring.has(name)) continue;
            measuring.add(name);
            depth = depthOf(fragment.selectionSet);
            measuring.delete(name);
            fragmentDepth.set(name, depth);
          }
        }
        if (depth > deepest) deepest = depth;
      }
      return deepest;
    };
    return {
      Field(node) {
        if (node.name.value !== "__schema") return;
        const depth = 1 + depthOf(node.selectionSet);
        if (depth > max) context.reportError(limitError("maxIntrospectionDepth", max, `introspection depth ${depth}`, [node]));
      },
    };
  };
}

/** Documents longer than the limit are refused here too, for a transport that parses before it can check. */
export function characterRule(max: number): ValidationRule {
  return (context) => ({
    Document(node) {
      const length = node.loc?.source.body.length;
      if (length !== undefined && length > max) context.reportError(limitError("maxCharacters", max, `query length ${length}`));
      return undefined;
    },
  });
}

/** How often a response name is selected in one selection set (fragments flattened), and the worst place below it. */
type Shape = Map<string, { uses: number; below: Repeat }>;
/** The most selections that land on one response path, and that path. */
interface Repeat {
  count: number;
  path: string[];
}

const LEAF: Repeat = { count: 1, path: [] };

/**
 * The most times one field is selected at the same place in the response (its response path),
 * counting each use of a fragment, as graphql-js's OverlappingFieldsCanBeMerged compares every
 * such pair: `{ a { x } a { x } … }` 30 times over, each `a` holding 30 `x`, is 900 selections of
 * `a.x` and 400,000 comparisons. The count is bounded from above (uses multiply along the path),
 * fragments are measured once.
 */
export function fieldRepeatsRule(max: number): ValidationRule {
  return (context) => {
    const fragmentShapes = new Map<string, Shape>();
    const measuring = new Set<string>();
    const worst = (shape: Shape): Repeat => {
      if (shape.size === 0) return LEAF;
      let out: Repeat = { count: 0, path: [] };
      for (const [name, { uses, below }] of shape) {
        const count = uses * below.count;
        if (count > out.count) out = { count, path: [name, ...below.path] };
      }
      return out;
    };
    const shapeOf = (set: SelectionSetNode): Shape => {
      const shape: Shape = new Map();
      const add = (name: string, uses: number, below: Repeat) => {
        const entry = shape.get(name);
        if (entry === undefined) shape.set(name, { uses, below });
        else {
          entry.uses += uses;
          if (below.count > entry.below.count) entry.below = below;
        }
      };
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          add(selection.alias?.value ?? selection.name.value, 1, selection.selectionSet === undefined ? LEAF : worst(shapeOf(selection.selectionSet)));
          continue;
        }
        let inner: Shape | undefined;
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          inner = shapeOf(selection.selectionSet);
        } else {
          const name = selection.name.value;
          inner = fragmentShapes.get(name);
          if (inner === undefined) {
            const fragment = context.getFragment(name);
            // Unknown fragments and cycles are other rules' to report.
            if (fragment == null || measuring.has(name)) continue;
            measuring.add(name);
            inner = shapeOf(fragment.selectionSet);
            measuring.delete(name);
            fragmentShapes.set(name, inner);
          }
        }
        for (const [name, entry] of inner) add(name, entry.uses, entry.below);
      }
      return shape;
    };
    return {
      OperationDefinition(node) {
        const repeat = worst(shapeOf(node.selectionSet));
        if (repeat.count > max) {
          const count = Number.isFinite(repeat.count) && repeat.count < 1e9 ? String(repeat.count) : repeat.count.toExponential(1);
          context.reportError(limitError("maxFieldRepeats", max, `"${repeat.path.join(".")}" selected ${count} times at one place in the response`, [node]));
        }
      },
    };
  };
}
