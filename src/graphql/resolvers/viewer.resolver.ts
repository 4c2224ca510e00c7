import { Ctx, Query, Resolver } from "type-graphql";
import { ROLES } from "../../core/roles.js";
import type { GatewayContext } from "../context.js";
import { RoleEnum, ViewerType } from "../types/viewer.js";

type RoleName = keyof typeof RoleEnum;

@Resolver()
export class ViewerQuery {
  @Query(() => ViewerType, {
    description: "Who the caller is and which roles they hold, so a UI can show what they may not do (and why) before they try.",
  })
  viewer(@Ctx() ctx: GatewayContext): ViewerType {
    const { actor } = ctx;
    const roles = ROLES.filter((r) => actor.roles.includes(r)).map((r) => r.toUpperCase() as RoleName);
    return {
      id: actor.id,
      displayName: actor.displayName ?? actor.id,
      email: actor.email ?? null,
      roles,
      developmentMode: ctx.services.config.auth === undefined,
    };
  }
}
