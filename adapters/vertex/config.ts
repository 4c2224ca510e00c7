/** The `backends[]` block of a Vertex AI backend in modelgate.yaml. */
import { z } from "zod";

/** GCP project ids: 6-30 characters of lowercase letters, digits and hyphens, starting with a letter (or a project number). */
const PROJECT_RE = /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,19})$/;
/** Region names like `us-central1`, `europe-west4`, or `global`. */
const LOCATION_RE = /^[a-z]+(?:-[a-z]+[0-9]*)*$/;
/** A host name or IP, with an optional port. */
const ENDPOINT_RE = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** The key file's JSON, as an object or a string (e.g. `${GOOGLE_CREDENTIALS_JSON}` from the environment). Never logged. */
const credentialsJson = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((value, ctx) => {
  if (typeof value !== "string") return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below, without echoing the secret
  }
  ctx.addIssue({ code: "custom", message: "credentials.json is not a JSON object (the content is not shown: it holds a key)" });
  return z.NEVER;
});

const credentialsSchema = z
  .strictObject({
    /** Path to a service-account (or external-account) key file, relative to modelgate.yaml. */
    keyFilename: z.string().min(1, "credentials.keyFilename must not be empty").optional(),
    json: credentialsJson.optional(),
  })
  .refine((c) => (c.keyFilename === undefined) !== (c.json === undefined), "credentials takes exactly one of keyFilename and json");

const containerSchema = z.strictObject({
  /** The serving image Vertex AI records for every uploaded version (UploadModel requires one). */
  imageUri: z.string().min(1).default("us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest"),
  predictRoute: z.string().startsWith("/").optional(),
  healthRoute: z.string().startsWith("/").optional(),
});

export const vertexConfigSchema = z
  .strictObject({
    /** The GCP project (id or number) whose Model Registry this backend serves. */
    project: z.string().regex(PROJECT_RE, "project must be a GCP project id (6-30 lowercase letters, digits, '-') or project number"),
    /** The Vertex AI region, e.g. "us-central1" or "europe-west4". Models are regional. */
    location: z.string().regex(LOCATION_RE, 'location must be a Vertex AI region such as "us-central1"'),
    /** Host (and optional port) of the API; defaults to the regional endpoint `${location}-aiplatform.googleapis.com`. */
    apiEndpoint: z.string().regex(ENDPOINT_RE, 'apiEndpoint must be a host name with an optional port, e.g. "europe-west4-aiplatform.googleapis.com"').optional(),
    /** Plaintext gRPC and no credentials at all: only for a local fake or emulator (tests). Needs apiEndpoint. */
    insecure: z.boolean().default(false),
    /** Credentials; default: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server). */
    credentials: credentialsSchema.optional(),
    /** Page size asked of Vertex AI, and the largest page this backend serves (Vertex AI allows 100). */
    pageSize: z.number().int().min(1).max(100).default(100),
    /** The serving container recorded on uploaded versions. */
    container: containerSchema.default(containerSchema.parse({})),
    /** ListModelVersions calls in flight at once when listing models (each model's aliases need one) or a stage across models. */
    concurrency: z.number().int().min(1).max(32).default(4),
  })
  .superRefine((c, ctx) => {
    if (c.insecure && c.apiEndpoint === undefined) {
      ctx.addIssue({ code: "custom", path: ["insecure"], message: "insecure is for a local fake or emulator: set apiEndpoint to its host:port" });
    }
    if (c.insecure && c.credentials !== undefined) {
      ctx.addIssue({ code: "custom", path: ["credentials"], message: "an insecure connection sends no credentials: drop credentials or insecure" });
    }
  });

export type VertexConfig = z.output<typeof vertexConfigSchema>;

export interface ResolvedEndpoint {
  host: string;
  port: number;
}

const DEFAULT_PORT = 443;

/** Where the client connects: the configured apiEndpoint, else the regional endpoint of `location`. */
export function resolveEndpoint(config: Pick<VertexConfig, "location" | "apiEndpoint">): ResolvedEndpoint {
  const endpoint = config.apiEndpoint ?? regionalEndpoint(config.location);
  const m = /^(.*?)(?::([0-9]{1,5}))?$/.exec(endpoint);
  const host = (m?.[1] ?? endpoint).replace(/^\[(.*)\]$/, "$1");
  const port = m?.[2] === undefined ? DEFAULT_PORT : Number(m[2]);
  return { host, port };
}

/** `global` is served by the global endpoint; every region by its own. */
export function regionalEndpoint(location: string): string {
  return location === "global" ? "aiplatform.googleapis.com" : `${location}-aiplatform.googleapis.com`;
}
