/**
 * Bounds on one GraphQL document, checked before any resolver runs: characters, tokens, depth,
 * introspection depth, aliases, directives and a static cost estimate (`limits:` in modelgate.yaml).
 * One set, built by createQueryLimits, serves HTTP (Apollo, ./apollo.ts) and WebSocket
 * (src/http/graphql-ws.ts) alike.
 *
 * Every check is linear in the document: graphql-armor's depth, alias, directive and cost rules
 * memoise each fragment (a fragment spread twice per level, 40 levels deep, is one walk of 40
 * fragments, and its 2^40 cost is refused), graphql-js stops parsing past maxTokens, and the
 * introspection depth below memoises fragments the same way. graphql-js's own rules bound their
 * fragment and overlap work (16.15's budgets), so nothing in validation grows with the number of
 * paths through the fragments.
 *
 * A refusal is a GraphQLError with extensions { code: "QUERY_TOO_COMPLEX", limit, max } whose
 * message names the value found, the limit and its config key.
 */
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { LimitsConfig } from "../config/schema.js";

export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX";

export type LimitName = keyof LimitsConfig;

export interface QueryLimits {
  readonly limits: Readonly<LimitsConfig>;
  /** Options for graphql's parse: it stops past maxTokens tokens. */
  readonly parseOptions: ParseOptions;
  /** Validation rules to run with graphql's specified rules. */
  readonly rules: readonly ValidationRule[];
  /** Options for graphql's validate (and execute): no "Did you mean" suggestions in production. */
  readonly hideSuggestions: boolean;
  /** The refusal of a document longer than maxCharacters (check before parsing), else undefined. */
  checkSource(source: string): GraphQLError | undefined;
  /** graphql's "more than N tokens" parse error as a limit refusal; any other error unchanged. */
  fromParseError(error: GraphQLError): GraphQLError;
}

/** The refusal of one limit: "<what> [<found>] is over the limit of <max> (limits.<limit>)". */
export function limitError(limit: LimitName, max: number, what: string, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(`${what} is over the limit of ${max} (limits.${limit})`, {
    ...(nodes === undefined ? {} : { nodes }),
    extensions: { code: QUERY_TOO_COMPLEX, limit, max },
  });
}

/** The refusal made here that `error` is or wraps (Apollo wraps validation errors), if any. */
export function limitErrorIn(error: unknown): GraphQLError | undefined {
  // Innermost first: a wrapping GraphQLError copies its original's extensions.
  let found: GraphQLError | undefined;
  for (let e: unknown = error; e instanceof GraphQLError; e = e.originalError) {
    if (e.extensions["code"] === QUERY_TOO_COMPLEX && typeof e.extensions["limit"] === "string") found = e;
  }
  return found;
}

function count(n: number): string {
  return Number.isFinite(n) && n < 1e9 ? String(Math.ceil(n)) : n.toExponential(1);
}

/** armor reports "… limit of N exceeded, found M."; the number found is all we take from it. */
function found(error: GraphQLError): number | undefined {
  const match = /found (-?[\d.e+]+|Infinity)\.?$/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

type ArmorReject = (context: ValidationContext | null, error: GraphQLError) => void;

function reportAs(limit: LimitName, max: number, label: string): { propagateOnRejection: false; onReject: ArmorReject[] } {
  return {
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        const n = found(error);
        context?.reportError(limitError(limit, max, n === undefined ? label : `${label} ${count(n)}`));
      },
    ],
  };
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
function characterRule(max: number): ValidationRule {
  return (context) => ({
    Document(node) {
      const length = node.loc?.source.body.length;
      if (length !== undefined && length > max) context.reportError(limitError("maxCharacters", max, `query length ${length}`));
      return undefined;
    },
  });
}

const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens\. Parsing aborted\.$/;

export interface QueryLimitsOptions {
  /** Leave "Did you mean …?" out of error messages (production: they reveal the schema). */
  hideSuggestions: boolean;
}

export function createQueryLimits(limits: LimitsConfig, opts: QueryLimitsOptions): QueryLimits {
  const { maxDepth, maxIntrospectionDepth, maxAliases, maxDirectives, maxTokens, maxCost, maxCharacters } = limits;
  const rules: ValidationRule[] = [
    characterRule(maxCharacters),
    // Fragments flattened: a spread adds neither depth nor a cost level, as in the response.
    // `__schema` is left to introspectionDepthRule (armor's ignoreIntrospection skips its subtree).
    maxDepthRule({ n: maxDepth, flattenFragments: true, ignoreIntrospection: true, ...reportAs("maxDepth", maxDepth, "query depth") }) as ValidationRule,
    introspectionDepthRule(maxIntrospectionDepth),
    maxAliasesRule({ n: maxAliases, ...reportAs("maxAliases", maxAliases, "alias count") }) as ValidationRule,
    maxDirectivesRule({ n: maxDirectives, ...reportAs("maxDirectives", maxDirectives, "directive count") }) as ValidationRule,
    costLimitRule({ maxCost, flattenFragments: true, ignoreIntrospection: true, ...reportAs("maxCost", maxCost, "query cost") }) as ValidationRule,
  ];
  return {
    limits: Object.freeze({ ...limits }),
    parseOptions: { maxTokens },
    rules,
    hideSuggestions: opts.hideSuggestions,
    checkSource(source) {
      return source.length > maxCharacters ? limitError("maxCharacters", maxCharacters, `query length ${source.length}`) : undefined;
    },
    fromParseError(error) {
      return TOKEN_LIMIT_MESSAGE.test(error.message) ? limitError("maxTokens", maxTokens, "token count") : error;
    },
  };
}

/** Removes graphql-js's "Did you mean …?" from a message (for errors raised where hideSuggestions cannot reach). */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+?\?$/, "");
}
