import { Field, ObjectType } from "type-graphql";
import { AuditEventType } from "./audit-event.js";
import { BackendFailure, PageInfo } from "./common.js";
import { RegisteredModelType } from "./model.js";
import { ModelVersionType } from "./model-version.js";

@ObjectType()
export class ModelEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => RegisteredModelType)
  node!: unknown;
}

@ObjectType()
export class ModelConnection {
  @Field(() => [ModelEdge])
  edges!: ModelEdge[];

  @Field(() => [RegisteredModelType])
  nodes!: unknown[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => [BackendFailure], {
    description: "Backends that failed for this page; their models are missing and come back on a later page or retry.",
  })
  failedBackends!: BackendFailure[];
}

@ObjectType()
export class ModelVersionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ModelVersionType)
  node!: unknown;
}

@ObjectType()
export class ModelVersionConnection {
  @Field(() => [ModelVersionEdge])
  edges!: ModelVersionEdge[];

  @Field(() => [ModelVersionType])
  nodes!: unknown[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType()
export class AuditEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEventType)
  node!: unknown;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => [AuditEventType])
  nodes!: unknown[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
