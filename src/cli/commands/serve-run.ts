/**
 * What `modelgate serve` does once its options are parsed: start, announce, shut down on a signal.
 *
 * With `tracing.enabled` the OpenTelemetry SDK starts right after the config is read and before the
 * gateway's modules are imported (dynamically, below): instrumentations patch the HTTP, gRPC and AWS
 * clients as those load. Only the config and the logger are imported statically here.
 */
import { ConfigError, loadConfig } from "../../config/index.js";
import type { Gateway } from "../../app/gateway.js";
import { createLogger } from "../../logging.js";
import type { TracingHandle } from "../../observability/tracing-sdk.js";
import { packageVersion } from "../version.js";
import { CliExit, EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: number;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export async function serve(io: CliIo, opts: ServeOptions): Promise<void> {
  let loaded;
  try {
    loaded = await loadConfig({ ...(opts.config === undefined ? {} : { path: opts.config }), env: io.env as NodeJS.ProcessEnv });
  } catch (err) {
    throw fail(io, err);
  }
  const { config } = loaded;
  const logger = createLogger(config.logLevel);

  let tracing: TracingHandle | undefined;
  if (config.tracing.enabled) {
    const { startTracing } = await import("../../observability/tracing-sdk.js");
    tracing = await startTracing(config.tracing, { serviceVersion: packageVersion() });
    logger.info({ endpoint: config.tracing.endpoint ?? "(OTEL_EXPORTER_OTLP_* or http://localhost:4318/v1/traces)", sampleRatio: config.tracing.sampleRatio }, "tracing on");
  }
  const { createGateway } = await import("../../app/gateway.js");
  const { startServer } = await import("../../http/server.js");

  let gateway: Gateway;
  try {
    gateway = await createGateway(loaded, { logger });
  } catch (err) {
    await tracing?.shutdown();
    throw fail(io, err);
  }
  let running;
  try {
    running = await startServer(gateway, {
      ...(opts.host === undefined ? {} : { host: opts.host }),
      ...(opts.port === undefined ? {} : { port: opts.port }),
    });
  } catch (err) {
    await gateway.close();
    await tracing?.shutdown();
    throw fail(io, err);
  }

  // Handlers first: whoever reads the line below may signal at once.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.stderr(`${signal} again: exiting without waiting for the shutdown to finish\n`);
      io.exit(EXIT.FAULT);
      return;
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    running
      .close()
      // The spans still buffered go out before the process ends.
      .then(() => tracing?.shutdown())
      .then(
        () => io.exit(EXIT.OK),
        (err: unknown) => {
          io.stderr(`error: shutdown failed: ${oneLine(err)}\n`);
          io.exit(EXIT.FAULT);
        },
      );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  const source = loaded.configPath ?? "no config file (defaults and environment)";
  io.stderr(`modelgate listening on ${running.url} (GraphQL: ${running.url}/graphql; config: ${source})\n`);
  if (config.auth === undefined) {
    const warning =
      "development mode: no authentication is configured (auth in modelgate.yaml); every caller on this machine is an admin. " +
      "The gateway only binds to loopback addresses in this mode.";
    logger.warn({ url: running.url }, warning);
    io.stderr(`warning: ${warning}\n`);
  }
}

/** Prints why startup failed and returns the exit to end with: 2 for configuration errors, 1 otherwise. */
function fail(io: CliIo, err: unknown): CliExit {
  if (err instanceof ConfigError) {
    io.stderr(`error: ${err.message}\n`);
    return new CliExit(EXIT.USAGE);
  }
  io.stderr(`error: cannot start modelgate: ${oneLine(err)}\n`);
  return new CliExit(EXIT.FAULT);
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split("\n").find((l) => l.trim() !== "") ?? message;
  return first.trim() || (err instanceof Error ? err.name : "unknown error");
}
