/**
 * `modelgate serve`: loads the config, starts the gateway and serves it until SIGINT/SIGTERM.
 * The server stack is imported only when this command runs, so client commands start fast.
 */
import { Command, InvalidArgumentError } from "commander";
import type { CliIo } from "../io.js";
import type { ServeOptions } from "./serve-run.js";


function port(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}".`);
  return n;
}

export function serveCommand(io: CliIo): Command {
  return new Command("serve")
    .description("start the gateway (GraphQL at /graphql, GET /v1/resolve, /healthz, /readyz)")
    .option("--config <file>", "config file (default: $MODELGATE_CONFIG, else ./modelgate.yaml when present)")
    .option("--host <host>", "listen on this address (overrides server.host)")
    .option("--port <port>", "listen on this port, 0 for any free one (overrides server.port)", port)
    .action(async (opts: ServeOptions) => {
      const { serve } = await import("./serve-run.js");
      await serve(io, opts);
    });
}
