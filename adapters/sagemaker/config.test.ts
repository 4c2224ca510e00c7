import { describe, expect, it } from "vitest";
import { PLACEHOLDER_CONTAINER_IMAGE, sagemakerConfigSchema } from "./config.js";

function issues(input: unknown): string[] {
  const parsed = sagemakerConfigSchema.safeParse(input);
  if (parsed.success) throw new Error("expected the config to be refused");
  return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("sagemakerConfigSchema", () => {
  it("needs only a region, and defaults the rest", () => {
    expect(sagemakerConfigSchema.parse({ region: "eu-west-1" })).toEqual({
      region: "eu-west-1",
      containerImage: PLACEHOLDER_CONTAINER_IMAGE,
      pageSize: 100,
      modelLifeCycle: false,
    });
  });

  it("takes endpoint, account, static credentials, image, page size and the lifecycle switch", () => {
    const parsed = sagemakerConfigSchema.parse({
      region: "us-gov-west-1",
      endpoint: "http://127.0.0.1:5000/",
      accountId: "123456789012",
      credentials: { accessKeyId: "AKID", secretAccessKey: "s3cret", sessionToken: "tok" },
      containerImage: "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/serve:1",
      pageSize: 25,
      modelLifeCycle: true,
    });
    expect(parsed.endpoint).toBe("http://127.0.0.1:5000");
    expect(parsed.credentials).toEqual({ accessKeyId: "AKID", secretAccessKey: "s3cret", sessionToken: "tok" });
    expect(parsed.pageSize).toBe(25);
    expect(parsed.modelLifeCycle).toBe(true);
  });

  it("refuses what SageMaker or AWS would not take, naming the key", () => {
    expect(issues({})).toEqual([expect.stringMatching(/^region: /)]);
    expect(issues({ region: "Europe" })).toEqual(["region: region must be an AWS region name such as eu-west-1"]);
    expect(issues({ region: "eu-west-1", pageSize: 101 })).toEqual(["pageSize: pageSize is at most 100 (SageMaker's MaxResults limit)"]);
    expect(issues({ region: "eu-west-1", accountId: "12345" })).toEqual(["accountId: accountId must be the 12-digit AWS account id"]);
    expect(issues({ region: "eu-west-1", credentials: { accessKeyId: "AKID" } })).toEqual([expect.stringMatching(/^credentials\.secretAccessKey: /)]);
    expect(issues({ region: "eu-west-1", containerImage: "has space" })).toEqual(["containerImage: containerImage must not contain whitespace"]);
    expect(issues({ region: "eu-west-1", bucket: "x" })).toEqual([expect.stringMatching(/bucket/)]);
  });

  it("keeps credentials out of the endpoint and out of its own messages", () => {
    const messages = issues({ region: "eu-west-1", endpoint: "https://AKID:s3cret@sagemaker.example" });
    expect(messages).toEqual(["endpoint: endpoint must not carry credentials: put them in `credentials`, where they are never logged"]);
    expect(messages.join(" ")).not.toContain("s3cret");
    expect(issues({ region: "eu-west-1", credentials: { accessKeyId: "AKID", secretAccessKey: 42 } }).join(" ")).not.toContain("42");
  });
});
