/**
 * Opaque Relay global ids: base64url of a versioned JSON tuple [type, ...key]. Clients must treat
 * them as opaque; the gateway decodes them to refetch any node with `node(id:)`.
 */
import { InvalidInputError, decodeOpaqueCursor, encodeOpaqueCursor } from "../core/index.js";

export const NODE_TYPES = ["Backend", "RegisteredModel", "ModelVersion", "AuditEvent", "PromotionRequest", "Deployment", "DeploymentRevision"] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

const PREFIX = "mg1:";

export function toGlobalId(type: NodeTypeName, ...key: string[]): string {
  return encodeOpaqueCursor(PREFIX + JSON.stringify([type, ...key]));
}

export interface DecodedId {
  type: NodeTypeName;
  key: string[];
}

export function fromGlobalId(id: string, field = "id"): DecodedId {
  const bad = () => new InvalidInputError(`${field}: "${id}" is not a modelgate id`, { field });
  const text = decodeOpaqueCursor(id) ?? "";
  if (!text.startsWith(PREFIX)) throw bad();
  let parts: unknown;
  try {
    parts = JSON.parse(text.slice(PREFIX.length));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || parts.length < 2 || !parts.every((p) => typeof p === "string")) throw bad();
  const [type, ...key] = parts as string[];
  if (!(NODE_TYPES as readonly string[]).includes(type as string)) throw bad();
  return { type: type as NodeTypeName, key };
}

/** Decodes an id that must be of one type. */
export function expectGlobalId(id: string, type: NodeTypeName, arity: number, field = "id"): string[] {
  const decoded = fromGlobalId(id, field);
  if (decoded.type !== type || decoded.key.length !== arity) {
    throw new InvalidInputError(`${field}: expected the id of a ${type}, got one of a ${decoded.type}`, { field });
  }
  return decoded.key;
}
