/**
 * JSON ↔ google.protobuf.Value as the Node client carries it (camelCase oneof members:
 * nullValue, numberValue, stringValue, boolValue, structValue.fields, listValue.values).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ProtoValue {
  nullValue?: "NULL_VALUE" | 0 | null;
  numberValue?: number | null;
  stringValue?: string | null;
  boolValue?: boolean | null;
  structValue?: { fields?: Record<string, ProtoValue> | null } | null;
  listValue?: { values?: ProtoValue[] | null } | null;
  kind?: string | null;
}

/** A JSON value as a Value; numbers must be finite (a Value holds a double, JSON has no NaN). */
export function toProtoValue(value: Json): ProtoValue {
  if (value === null) return { nullValue: "NULL_VALUE" };
  switch (typeof value) {
    case "boolean":
      return { boolValue: value };
    case "string":
      return { stringValue: value };
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be stored: only finite numbers can`);
      return { numberValue: value };
    default:
      if (Array.isArray(value)) return { listValue: { values: value.map(toProtoValue) } };
      return { structValue: { fields: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toProtoValue(v)])) } };
  }
}

/** A Value as JSON; an unset Value (no member) reads as null. */
export function fromProtoValue(value: ProtoValue | null | undefined): Json {
  if (value === null || value === undefined) return null;
  const kind = value.kind ?? memberOf(value);
  switch (kind) {
    case "boolValue":
      return value.boolValue === true;
    case "stringValue":
      return value.stringValue ?? "";
    case "numberValue":
      return value.numberValue ?? 0;
    case "listValue":
      return (value.listValue?.values ?? []).map(fromProtoValue);
    case "structValue":
      return Object.fromEntries(Object.entries(value.structValue?.fields ?? {}).map(([k, v]) => [k, fromProtoValue(v)]));
    default:
      return null;
  }
}

function memberOf(value: ProtoValue): string | undefined {
  for (const member of ["structValue", "listValue", "stringValue", "numberValue", "boolValue"] as const) {
    if (value[member] !== undefined && value[member] !== null) return member;
  }
  return undefined;
}
