/**
 * Tells the request's telemetry (src/observability/request-telemetry.ts) which GraphQL operation it
 * ran and which errors it answered: the operation label of its metrics, and the name, attributes and
 * status of its span. The span itself is started by the HTTP server around Apollo's whole execution,
 * so that every resolver, and every backend call under it, runs inside it.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "./context.js";

export const observabilityPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue }) {
    const telemetry = contextValue.telemetry;
    if (telemetry === undefined) return;
    telemetry.graphqlStarted();
    return {
      async didResolveOperation({ operation }) {
        if (operation !== undefined) telemetry.graphqlOperation(operation.operation, operation.name?.value);
      },
      // After the partial-errors plugin (listed before this one) has added the backends' failures.
      async willSendResponse({ response }) {
        if (response.body.kind !== "single") return;
        const errors = response.body.singleResult.errors ?? [];
        telemetry.graphqlErrors(errors.map((e) => (typeof e.extensions?.code === "string" ? e.extensions.code : "INTERNAL_SERVER_ERROR")));
      },
    };
  },
};
