/**
 * PostgreSQL connection URLs as the store accepts and reports them. Every message that names the
 * database uses `maskDatabaseUrl`, and `maskPasswordIn` scrubs the password out of text that came
 * from elsewhere (a driver error may quote the connection string).
 */
import { StoreError } from "./errors.js";

/** True for the URL schemes that select the PostgreSQL store. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The URL with its password replaced by "***" (and nothing else changed). */
export function maskDatabaseUrl(url: string): string {
  const parsed = parse(url);
  if (parsed === undefined) return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@");
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}

/** `text` with every occurrence of the URL's password replaced by "***". */
export function maskPasswordIn(text: string, url: string): string {
  const parsed = parse(url);
  if (parsed === undefined || parsed.password === "") return text;
  let out = text;
  for (const secret of new Set([parsed.password, decodeURIComponent(parsed.password)])) {
    if (secret.length > 0) out = out.split(secret).join("***");
  }
  return out;
}

/** Checks a `postgres://` URL before any connection is tried; names what is wrong without the password. */
export function checkPostgresUrl(url: string): void {
  if (!isPostgresUrl(url)) {
    throw new StoreError(`the database URL ${maskDatabaseUrl(url)} is not a PostgreSQL URL: it must start with postgres:// or postgresql://`);
  }
  const parsed = parse(url);
  if (parsed === undefined) throw new StoreError(`the database URL ${maskDatabaseUrl(url)} is not a valid URL`);
  if (parsed.hostname === "" && !parsed.searchParams.has("host")) {
    throw new StoreError(`the database URL ${maskDatabaseUrl(url)} names no host`);
  }
  if (parsed.pathname.replace(/^\//, "") === "") {
    throw new StoreError(`the database URL ${maskDatabaseUrl(url)} names no database (postgres://user:password@host:5432/DATABASE)`);
  }
}
