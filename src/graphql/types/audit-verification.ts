import { Field, Int, ObjectType } from "type-graphql";

@ObjectType("AuditVerification", {
  description:
    "The result of re-checking the whole audit trail's hash chain as the store holds it. It shows edits and deletions " +
    "in the middle; events cut from the end are only shown by verifying against a signed checkpoint " +
    "(`modelgate audit verify --checkpoint`), which this query does not take.",
})
export class AuditVerification {
  @Field(() => Boolean, { description: "True when every event verified." })
  ok!: boolean;

  @Field(() => Int, { description: "Events that verified: all of them when ok, otherwise those before the first broken one." })
  events!: number;

  @Field(() => Int, { nullable: true, description: "Seq of the newest event that verified (the chain head when ok); null when none did." })
  headSeq!: number | null;

  @Field(() => String, { nullable: true, description: "Hash of that event: the value to compare with a checkpoint." })
  headHash!: string | null;

  @Field(() => Int, { nullable: true, description: "The first seq at fault (an altered event, or the first missing one); null when ok." })
  firstBrokenSeq!: number | null;

  @Field(() => String, { nullable: true, description: "Why that seq is at fault; null when ok." })
  reason!: string | null;
}
