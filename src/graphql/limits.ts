/**
 * Bounds on one GraphQL document, checked before any resolver runs: characters, tokens, depth,
 * introspection depth, aliases, directives, repeated fields and a static cost estimate (`limits:`
 * in modelgate.yaml). One set, built by createQueryLimits, serves HTTP (Apollo, ./apollo.ts and
 * src/http/server.ts) and WebSocket (src/http/graphql-ws.ts) alike.
 *
 * Every check is linear in the document: graphql-armor's depth, alias, directive and cost rules
 * memoise each fragment (a fragment spread twice per level, 40 levels deep, is one walk of 41
 * fragments, and its 2^40 cost is refused), graphql-js stops parsing past maxTokens, and the
 * rules of ./limit-rules.ts memoise fragments the same way.
 *
 * Both transports run `precheck` first, before graphql-js's own rules: those are bounded (16.15
 * budgets its fragment and overlap work) but OverlappingFieldsCanBeMerged still compares every
 * pair of fields selected at one response path, quadratic work that maxFieldRepeats refuses up
 * front. The limit rules also run with graphql-js's rules (Apollo's validationRules), so a
 * document that skipped the pre-check (an Apollo persisted query) meets them all the same.
 *
 * A refusal is a GraphQLError with extensions { code: "QUERY_TOO_COMPLEX", limit, max } whose
 * message names the value found, the limit and its config key.
 */
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationContext, type ValidationRule } from "graphql";
import type { LimitsConfig } from "../config/schema.js";
import { LruCache } from "../core/index.js";
import { characterRule, fieldRepeatsRule, introspectionDepthRule, limitError, QUERY_TOO_COMPLEX, type LimitName } from "./limit-rules.js";

export { limitError, QUERY_TOO_COMPLEX, type LimitName };

export interface QueryLimits {
  readonly limits: Readonly<LimitsConfig>;
  /** Options for graphql's parse: it stops past maxTokens tokens. */
  readonly parseOptions: ParseOptions;
  /** Validation rules to run with graphql's specified rules. */
  readonly rules: readonly ValidationRule[];
  /** Options for graphql's validate (and execute): no "Did you mean" suggestions in production. */
  readonly hideSuggestions: boolean;
  /**
   * Every limit, before graphql-js's rules run: length, tokens (parsing), then the limit rules.
   * The refusals, or nothing (a document that does not parse is the transport's to report).
   * Accepted texts are remembered, so a client's repeated query is checked once.
   */
  precheck(source: string): readonly GraphQLError[];
  /** graphql's "more than N tokens" parse error as a limit refusal; any other error unchanged. */
  fromParseError(error: GraphQLError): GraphQLError;
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
  const match = /found (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|Infinity)\.?$/.exec(error.message);
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

const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens\. Parsing aborted\.$/;

export interface QueryLimitsOptions {
  /** The schema documents are checked against. */
  schema: GraphQLSchema;
  /** Leave "Did you mean …?" out of error messages (production: they reveal the schema). */
  hideSuggestions: boolean;
}

/** Accepted query texts remembered by precheck (a small LRU: clients repeat few documents). */
const ACCEPTED_CACHE_SIZE = 500;

export function createQueryLimits(limits: LimitsConfig, opts: QueryLimitsOptions): QueryLimits {
  const { maxDepth, maxIntrospectionDepth, maxAliases, maxDirectives, maxFieldRepeats, maxTokens, maxCost, maxCharacters } = limits;
  const rules: ValidationRule[] = [
    characterRule(maxCharacters),
    // Fragments flattened: a spread adds neither depth nor a cost level, as in the response.
    // `__schema` is left to introspectionDepthRule (armor's ignoreIntrospection skips its subtree).
    maxDepthRule({ n: maxDepth, flattenFragments: true, ignoreIntrospection: true, ...reportAs("maxDepth", maxDepth, "query depth") }) as ValidationRule,
    introspectionDepthRule(maxIntrospectionDepth),
    maxAliasesRule({ n: maxAliases, ...reportAs("maxAliases", maxAliases, "alias count") }) as ValidationRule,
    maxDirectivesRule({ n: maxDirectives, ...reportAs("maxDirectives", maxDirectives, "directive count") }) as ValidationRule,
    costLimitRule({ maxCost, flattenFragments: true, ignoreIntrospection: true, ...reportAs("maxCost", maxCost, "query cost") }) as ValidationRule,
    fieldRepeatsRule(maxFieldRepeats),
  ];
  const checkSource = (source: string) => (source.length > maxCharacters ? limitError("maxCharacters", maxCharacters, `query length ${source.length}`) : undefined);
  const fromParseError = (error: GraphQLError) => (TOKEN_LIMIT_MESSAGE.test(error.message) ? limitError("maxTokens", maxTokens, "token count") : error);
  const accepted = new LruCache<string, true>(ACCEPTED_CACHE_SIZE);
  return {
    limits: Object.freeze({ ...limits }),
    parseOptions: { maxTokens },
    rules,
    hideSuggestions: opts.hideSuggestions,
    fromParseError,
    precheck(source) {
      if (accepted.get(source)) return [];
      const tooLong = checkSource(source);
      if (tooLong !== undefined) return [tooLong];
      let document: DocumentNode;
      let refusals: readonly GraphQLError[];
      try {
        document = parse(source, { maxTokens });
        refusals = validate(opts.schema, document, rules);
      } catch (err) {
        // Thousands of nested selections (with maxTokens raised far) exhaust the stack of the
        // parser or of a rule: refused as too deep rather than failing the request.
        if (err instanceof RangeError) return [limitError("maxDepth", maxDepth, "query nesting (too deep to parse)")];
        if (!(err instanceof GraphQLError)) throw err;
        const refusal = fromParseError(err);
        return refusal === err ? [] : [refusal];
      }
      if (refusals.length === 0) {
        accepted.set(source, true);
      }
      return refusals;
    },
  };
}

/** Removes graphql-js's "Did you mean …?" from a message (for errors raised where hideSuggestions cannot reach). */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+?\?$/, "");
}
