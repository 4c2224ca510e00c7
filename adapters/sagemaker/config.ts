/** The `backends[]` block of a SageMaker backend in modelgate.yaml. */
import { z } from "zod";

/**
 * The image put in every registered version's inference container when none is configured. The
 * CreateModelPackage API requires an image; a version registered through the gateway records where
 * its artifact is, not how it is served, so this placeholder names no real image and a deployment of
 * such a version fails until an image is set. Configure `containerImage` for deployable versions.
 */
export const PLACEHOLDER_CONTAINER_IMAGE = "modelgate.invalid/no-inference-image:unset";

/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1` ... */
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const endpoint = z
  .url({ protocol: /^https?$/, error: "endpoint must be an http(s) URL, e.g. https://api.sagemaker.eu-west-1.amazonaws.com" })
  .refine((u) => {
    const parsed = new URL(u);
    return parsed.username === "" && parsed.password === "";
  }, "endpoint must not carry credentials: put them in `credentials`, where they are never logged")
  .refine((u) => {
    const parsed = new URL(u);
    return parsed.search === "" && parsed.hash === "";
  }, "endpoint must not have a query string or fragment")
  .transform((u) => u.replace(/\/+$/, ""));

const credentials = z.strictObject({
  accessKeyId: z.string().min(1, "credentials.accessKeyId must not be empty"),
  secretAccessKey: z.string().min(1, "credentials.secretAccessKey must not be empty"),
  sessionToken: z.string().min(1, "credentials.sessionToken must not be empty when given").optional(),
});

export const sagemakerConfigSchema = z.strictObject({
  /** The AWS region whose model registry this backend serves; with the account, the backend's identity. */
  region: z.string().regex(REGION_RE, "region must be an AWS region name such as eu-west-1"),
  /** Overrides the SageMaker API endpoint (a VPC endpoint, or a local emulator in tests). */
  endpoint: endpoint.optional(),
  /**
   * The account the credentials must belong to. When set, health() reports DOWN and every read
   * fails if SageMaker answers with another account's resources; when unset, the account is learned
   * from the first ARN SageMaker returns.
   */
  accountId: z.string().regex(/^\d{12}$/, "accountId must be the 12-digit AWS account id").optional(),
  /** Static credentials; without them the standard AWS chain is used (environment, profile, role). */
  credentials: credentials.optional(),
  /** Inference image of versions registered through the gateway (see PLACEHOLDER_CONTAINER_IMAGE). */
  containerImage: z
    .string()
    .min(1)
    .max(255, "containerImage is at most 255 characters (SageMaker's limit)")
    .regex(/^\S+$/, "containerImage must not contain whitespace")
    .default(PLACEHOLDER_CONTAINER_IMAGE),
  /** Page size asked of SageMaker, and the largest page this backend serves (SageMaker allows 1-100). */
  pageSize: z.number().int().min(1).max(100, "pageSize is at most 100 (SageMaker's MaxResults limit)").default(100),
  /** Also write the gateway stage to the version's ModelLifeCycle (not every SageMaker service stores it). */
  modelLifeCycle: z.boolean().default(false),
});

export type SageMakerConfig = z.output<typeof sagemakerConfigSchema>;
export type SageMakerCredentials = NonNullable<SageMakerConfig["credentials"]>;
