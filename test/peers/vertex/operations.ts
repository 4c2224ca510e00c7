/**
 * Long-running operations (google.longrunning.Operation) of the fake. An operation either completes
 * at once (the answer to UploadModel is already `done`) or after a set number of GetOperation polls;
 * its work runs when it completes, so a pending upload's version does not exist until then, and a
 * conflict found at that moment becomes the operation's `error`.
 */
import { randomInt } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { AnyMessage, PackableType, VertexProtos } from "./protos.js";
import { RpcError, notFound } from "./rpc-error.js";
import { timestamp, type Clock } from "./state.js";

export interface OperationOutcome {
  type: PackableType;
  message: object;
}

interface StoredOperation {
  name: string;
  metadataType: PackableType;
  createTime: number;
  updateTime: number;
  pollsLeft: number;
  work: () => OperationOutcome;
  result?: { response: AnyMessage } | { error: { code: number; message: string; details: [] } };
}

export class Operations {
  private readonly ops = new Map<string, StoredOperation>();

  constructor(
    private readonly protos: VertexProtos,
    private readonly clock: Clock,
  ) {}

  /** Starts an operation under `parent` (a model name); it completes after `polls` GetOperation calls (0: at once). */
  start(parent: string, metadataType: PackableType, polls: number, work: () => OperationOutcome): Record<string, unknown> {
    const now = this.clock.now();
    const op: StoredOperation = {
      name: `${parent}/operations/${randomInt(1, 2 ** 47)}`,
      metadataType,
      createTime: now,
      updateTime: now,
      pollsLeft: polls,
      work,
    };
    this.ops.set(op.name, op);
    if (polls === 0) this.complete(op);
    return this.message(op);
  }

  get(name: string): Record<string, unknown> {
    const op = this.ops.get(name);
    if (!op) throw notFound(`Operation "${name}" does not exist.`);
    if (!op.result) {
      op.pollsLeft = Math.max(0, op.pollsLeft - 1);
      if (op.pollsLeft === 0) this.complete(op);
    }
    return this.message(op);
  }

  clear(): void {
    this.ops.clear();
  }

  private complete(op: StoredOperation): void {
    op.updateTime = this.clock.now();
    try {
      const outcome = op.work();
      op.result = { response: this.protos.pack(outcome.type, outcome.message) };
    } catch (err) {
      const code = err instanceof RpcError ? err.code : status.INTERNAL;
      op.result = { error: { code, message: err instanceof Error ? err.message : String(err), details: [] } };
    }
  }

  private message(op: StoredOperation): Record<string, unknown> {
    const metadata = this.protos.pack(op.metadataType, {
      generic_metadata: { create_time: timestamp(op.createTime), update_time: timestamp(op.updateTime) },
    });
    return { name: op.name, metadata, done: op.result !== undefined, ...(op.result ?? {}) };
  }
}
