import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logging.js";

describe("log redaction", () => {
  it("never writes passwords, tokens, secrets or authorization headers", async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (d: Buffer) => lines.push(...d.toString().split("\n").filter(Boolean)));
    const logger = createLogger("info", out);
    logger.info(
      {
        password: "pw-1",
        token: "tok-2",
        secret: "sec-3",
        authorization: "Bearer tok-4",
        backend: { password: "pw-5", token: "tok-6", secret: "sec-7" },
        req: { headers: { authorization: "Bearer tok-8", cookie: "session=c-9", accept: "application/json" } },
      },
      "request",
    );
    await new Promise((r) => setImmediate(r));
    const text = lines.join("\n");
    for (const value of ["pw-1", "tok-2", "sec-3", "tok-4", "pw-5", "tok-6", "sec-7", "tok-8", "c-9"]) expect(text).not.toContain(value);
    expect(JSON.parse(lines[0]!)).toMatchObject({ password: "[redacted]", backend: { token: "[redacted]" }, req: { headers: { accept: "application/json" } } });
  });
});
