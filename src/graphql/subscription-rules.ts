/**
 * Subscriptions meet two traps of graphql-js 16 before any resolver runs:
 *
 * - SingleFieldSubscriptionsRule evaluates `@skip` / `@include` on the subscription's root
 *   selection with no variable values, and *throws* (instead of reporting) when their `if` is a
 *   variable: validation itself fails, Apollo answers 500 and graphql-ws closes the socket with
 *   4500. graphql-js 17 and the current spec forbid those directives on a subscription's root
 *   selection, so safeSingleFieldSubscriptionsRule reports that as a validation error first.
 * - Apollo runs that rule on every HTTP request, and HTTP serves no subscription anyway:
 *   subscriptionOverHttp refuses such a document before Apollo validates it (./http-precheck.ts).
 */
import {
  GraphQLError,
  Kind,
  SingleFieldSubscriptionsRule,
  getOperationAST,
  parse,
  specifiedRules,
  type ASTVisitor,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationRule,
} from "graphql";

export const SUBSCRIPTIONS_OVER_HTTP = "subscriptions are served over WebSocket (the graphql-transport-ws protocol) at /graphql, not over HTTP";

/** The first `@skip` / `@include` on a subscription's root selection (through its fragments), if any. */
export function rootSkipOrInclude(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): DirectiveNode | undefined {
  const seen = new Set<string>();
  const find = (set: SelectionSetNode): DirectiveNode | undefined => {
    for (const selection of set.selections) {
      const directive = selection.directives?.find((d) => d.name.value === "skip" || d.name.value === "include");
      if (directive !== undefined) return directive;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = find(selection.selectionSet);
        if (inner !== undefined) return inner;
      } else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        const inner = fragment === undefined ? undefined : find(fragment.selectionSet);
        if (inner !== undefined) return inner;
      }
    }
    return undefined;
  };
  return find(operation.selectionSet);
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

function rootDirectiveError(operation: OperationDefinitionNode, directive: DirectiveNode): GraphQLError {
  const name = operation.name === undefined ? "Anonymous Subscription" : `Subscription "${operation.name.value}"`;
  return new GraphQLError(`${name} must not use @${directive.name.value} on its top level selection.`, { nodes: [directive] });
}

/** SingleFieldSubscriptionsRule that reports, rather than throws on, `@skip` / `@include` at a subscription's root. */
export const safeSingleFieldSubscriptionsRule: ValidationRule = (context) => {
  const inner = SingleFieldSubscriptionsRule(context) as { OperationDefinition: (node: OperationDefinitionNode) => void };
  let fragments: Map<string, FragmentDefinitionNode> | undefined;
  const visitor: ASTVisitor = {
    OperationDefinition(node) {
      if (node.operation !== "subscription") return;
      fragments ??= fragmentsOf(context.getDocument());
      const directive = rootSkipOrInclude(node, fragments);
      if (directive !== undefined) context.reportError(rootDirectiveError(node, directive));
      else inner.OperationDefinition(node);
    },
  };
  return visitor;
};

/** graphql-js's specified rules with SingleFieldSubscriptionsRule made safe. */
export const safeSpecifiedRules: readonly ValidationRule[] = specifiedRules.map((rule) => (rule === SingleFieldSubscriptionsRule ? safeSingleFieldSubscriptionsRule : rule));

/**
 * The refusal of an HTTP request for a subscription (the operation it selects is one), or of a
 * document whose subscription would make graphql-js's validation throw; undefined otherwise,
 * and for anything that does not parse (Apollo reports that).
 */
export function subscriptionOverHttp(query: string, operationName: unknown, parseOptions: ParseOptions): GraphQLError | undefined {
  if (!query.includes("subscription")) return undefined;
  let document: DocumentNode;
  try {
    document = parse(query, parseOptions);
  } catch {
    return undefined;
  }
  const selected = getOperationAST(document, typeof operationName === "string" ? operationName : undefined);
  if (selected?.operation === "subscription") {
    return new GraphQLError(SUBSCRIPTIONS_OVER_HTTP, { extensions: { code: "UNSUPPORTED", http: { status: 400 } } });
  }
  const fragments = fragmentsOf(document);
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION || def.operation !== "subscription") continue;
    const directive = rootSkipOrInclude(def, fragments);
    if (directive !== undefined) {
      const error = rootDirectiveError(def, directive);
      return new GraphQLError(error.message, { nodes: error.nodes ?? null, extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } });
    }
  }
  return undefined;
}
