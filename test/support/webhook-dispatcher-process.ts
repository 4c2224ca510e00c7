/**
 * A second process that runs only a webhook dispatcher on a SQLite file (for the test that two
 * replicas never deliver a target at the same time). Usage: node --import tsx <this> <db file>.
 * Prints "ready" once started; stops cleanly on SIGTERM.
 */
import { WebhookDispatcher } from "../../src/events/webhook-dispatcher.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

const file = process.argv[2];
if (file === undefined) throw new Error("usage: webhook-dispatcher-process.ts <db file>");
const store = await openSqliteStore({ file, busyTimeoutMs: 20_000 });
const dispatcher = new WebhookDispatcher(store, createLogger("silent"), {
  pollMs: 20,
  baseBackoffMs: 10,
  maxBackoffMs: 50,
  maxAttempts: 1_000,
  // The test's receiver listens on loopback.
  egress: { allowPrivateTargets: ["127.0.0.1"] },
});
dispatcher.start();
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void dispatcher
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
