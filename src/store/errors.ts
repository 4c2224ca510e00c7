/**
 * Failures of the store itself (cannot open the database, a migration failed, misuse such as using
 * a closed store). Bad input to store methods throws the core InvalidInputError instead, so the API
 * reports it as the caller's mistake.
 */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}
