import { Field, ObjectType, registerEnumType } from "type-graphql";

export const RoleEnum = { VIEWER: "VIEWER", PUBLISHER: "PUBLISHER", APPROVER: "APPROVER", ADMIN: "ADMIN" } as const;
registerEnumType(RoleEnum, {
  name: "Role",
  description:
    "What a caller may do. VIEWER reads; PUBLISHER also registers, records evidence and asks for promotions; APPROVER approves, rejects and rolls back; ADMIN holds every role.",
});

@ObjectType("Viewer", { description: "Who is calling, as the gateway authenticated them, and the roles they hold." })
export class ViewerType {
  @Field(() => String, { description: "The subject recorded as actor in the audit trail (\"anonymous\" in development mode)." })
  id!: string;

  @Field(() => String, { description: "A name to show: the token's or JWT's display name, else the id." })
  displayName!: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [RoleEnum], { description: "Roles as granted (ADMIN includes every other role)." })
  roles!: (keyof typeof RoleEnum)[];

  @Field(() => Boolean, {
    description: "True when the gateway runs without authentication (loopback development mode): every caller is anonymous with every role.",
  })
  developmentMode!: boolean;
}
