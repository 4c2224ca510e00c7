/**
 * The logger the gateway's parts and its adapters write to: pino's shape (fields first, then the
 * message), so a pino logger or child fits, and a test can pass a recording object.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
