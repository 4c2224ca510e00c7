/**
 * Entry point of the `modelgate` command (bin/modelgate.js imports the compiled file; `npm run dev`
 * runs it with tsx). The program itself is built in ./program.ts.
 */
import { processIo } from "./io.js";
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), processIo());
// `serve` keeps the process alive through its server and ends it on a signal; every other command
// is done here, and the event loop drains on its own once output is flushed.
process.exitCode = code;
