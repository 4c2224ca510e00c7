/**
 * Errors of the audit tools. Each names what was wrong and, where one is involved, the file.
 *
 * - {@link AuditKeyError}: a key file cannot be read, written or used (the operator's input: CLI exit 2).
 * - {@link CheckpointFormatError}: a checkpoint document is not a well-formed modelgate checkpoint
 *   (it was damaged or edited, or is something else entirely: verification fails, CLI exit 1).
 */

export class AuditKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AuditKeyError";
  }
}

export class CheckpointFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointFormatError";
  }
}

/** The config points at a data dir with no audit database (CLI exit 2): nothing is created by a check. */
export class AuditTrailNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditTrailNotFoundError";
  }
}
