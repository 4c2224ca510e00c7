import { Field, ObjectType } from "type-graphql";
import { AuditEventType } from "./audit-event.js";
import { BackendFailure } from "./common.js";
import { connectionTypes } from "./connection.js";
import { RegisteredModelType } from "./model.js";
import { ModelVersionType } from "./model-version.js";

const models = connectionTypes("Model", () => RegisteredModelType, { extensible: true });

@ObjectType("ModelConnection")
export class ModelConnection extends models.Connection {
  @Field(() => [BackendFailure], {
    description: "Backends that failed for this page; their models are missing and come back on a later page or retry.",
  })
  failedBackends!: BackendFailure[];
}

export const ModelVersionConnection = connectionTypes("ModelVersion", () => ModelVersionType).Connection;
export type ModelVersionConnection = InstanceType<typeof ModelVersionConnection>;

export const AuditEventConnection = connectionTypes("AuditEvent", () => AuditEventType).Connection;
export type AuditEventConnection = InstanceType<typeof AuditEventConnection>;
