/**
 * modelgate.yaml, validated with zod. Every key has a default so an empty file is a valid
 * development config; env variables (see ./env.ts) override the file.
 */
import { z } from "zod";
import { REGISTRY_EVENT_TYPES } from "../core/registry-event-types.js";
import { ROLES } from "../core/roles.js";
import { TargetAddressPolicy, allowEntryProblem, nonPublicKind, urlHost } from "../core/target-address.js";
import { lifecycleUsageKeys } from "./lifecycle-usage-schema.js";

export const STAGE_NAMES = ["NONE", "STAGING", "SHADOW", "PRODUCTION", "ARCHIVED"] as const;
export const SERVER_MODES = ["development", "production"] as const;
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const idPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const backendConfigSchema = z
  .object({
    /** Stable id, part of every global id: never change it once clients hold ids. */
    id: z.string().regex(idPattern, "must be lower-case letters, digits, '-' or '_' (at most 63)"),
    /** Built-in kind ("git-yaml") or a third-party adapter package: "npm:<package-name>". */
    kind: z.string().min(1),
    /** Per-backend call timeout. */
    timeoutMs: z.number().int().positive().default(10_000),
    /**
     * How long (ms) a resolve answer read from this backend is served before it is built again, when
     * the backend cannot announce its changes (MLflow, SageMaker, Vertex AI; git-YAML announces them
     * and ignores this). Changes made through the gateway show at once whatever it says. Clients are
     * told in `Cache-Control: max-age`. 0: answers are built on every request.
     */
    resolveCacheMs: z.number().int().min(0).max(60_000).default(1_000),
  })
  // The adapter validates its own keys with its configSchema.
  .passthrough();

/** What `resolve` serves when the backend and the promotion trail disagree. See docs/promotions.md#drift. */
export const RESOLVE_SOURCES = ["backend", "trail"] as const;
export type ResolveSource = (typeof RESOLVE_SOURCES)[number];

export const environmentSchema = z
  .object({
    /** The stage whose version an application in this environment runs. */
    stage: z.enum(STAGE_NAMES),
    /**
     * backend: the version the backend has for the environment (alias, else newest in the stage),
     * flagged when the trail never approved it. trail: the version the promotion trail last approved
     * into the stage, whatever the backend says (an environment nothing was approved into resolves
     * to nothing). Absent: backend.
     */
    resolveFrom: z.enum(RESOLVE_SOURCES).optional(),
  })
  .strict();

export const serverSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(4000),
    /**
     * development: errors carry messages and stack-free details, introspection on.
     * production: unexpected errors are masked, introspection off unless set.
     */
    mode: z.enum(SERVER_MODES).default("development"),
    /** Defaults to true in development, false in production. */
    introspection: z.boolean().optional(),
    /** Serve the GraphiQL page at /graphiql (bundled, no CDN). Defaults to the introspection setting. */
    graphiql: z.boolean().optional(),
    maxPageSize: z.number().int().min(1).max(100).default(100),
    /** Deprecated: use limits.maxDepth (applied there when limits.maxDepth is left at its default). */
    maxDepth: z.number().int().min(2).max(50).optional(),
    /** Deprecated: use limits.maxAliases (applied there when limits.maxAliases is left at its default). */
    maxAliases: z.number().int().min(1).max(500).optional(),
    /** Upper bound on one request's work, adapter calls included. */
    requestTimeoutMs: z.number().int().positive().default(15_000),
    /** How long shutdown waits for in-flight requests before closing. */
    shutdownGraceMs: z.number().int().nonnegative().default(10_000),
    bodyLimitBytes: z.number().int().positive().default(1_000_000),
    /** How long one round of /readyz checks (store and every backend) is reused; 0 checks on every call. */
    readinessCacheMs: z.number().int().min(0).max(300_000).default(5_000),
    /**
     * What executes GraphQL operations over HTTP: `jit` compiles a document on its second use
     * (graphql-jit) and runs it compiled from then on; `graphql-js` runs every request on graphql-js.
     */
    graphqlExecutor: z.enum(["jit", "graphql-js"]).default("jit"),
  })
  .strict();

/**
 * Bounds on one GraphQL document, checked before anything runs (HTTP and WebSocket alike; see
 * src/graphql/limits.ts). The defaults admit graphql-js's standard introspection query (what
 * GraphiQL and graphql-codegen send).
 */
export const limitsSchema = z
  .object({
    /** Deepest field nesting, fragments flattened; `__schema { ... }` is counted by maxIntrospectionDepth instead. */
    maxDepth: z.number().int().min(2).max(50).default(12),
    /** Deepest nesting of an introspection query, from the operation root through `__schema`. */
    maxIntrospectionDepth: z.number().int().min(2).max(50).default(15),
    /** Aliased fields in one operation, counted once per use of the fragment that holds them. */
    maxAliases: z.number().int().min(0).max(500).default(30),
    /** Directives (`@include`, `@skip`, ...) in one operation, counted the same way. */
    maxDirectives: z.number().int().min(0).max(1_000).default(50),
    /** Selections of one field at one place in the response (fragment uses and nesting multiply); graphql-js compares each pair. */
    maxFieldRepeats: z.number().int().min(1).max(10_000).default(50),
    /** Lexical tokens in the document (names, punctuation, values); parsing stops past it. */
    maxTokens: z.number().int().min(100).max(10_000).default(1_000),
    /** Static cost estimate of one operation (graphql-armor's cost limit). */
    maxCost: z.number().int().min(10).max(1_000_000_000).default(1_000_000),
    /** Characters in the document, checked before parsing. */
    maxCharacters: z.number().int().min(100).max(1_000_000).default(15_000),
  })
  .strict();

const LIMIT_DEFAULTS = limitsSchema.parse({});
/** Keys that used to live under `server:` and now belong to `limits:`. */
export const DEPRECATED_SERVER_LIMITS = ["maxDepth", "maxAliases"] as const;

/**
 * Keys that were renamed. The old spelling is refused at start-up (the strict sections report it
 * as unknown), and the error names its new key instead of guessing: nothing is silently accepted.
 */
export const RENAMED_KEYS: readonly { readonly from: readonly string[]; readonly to: string; readonly note: string }[] = [
  // The deprecation policy shared its name with the top-level `lifecycle:` (usage, idle alerts, owners).
  { from: ["policies", "lifecycle"], to: "policies.deprecation", note: "same fields" },
];

/** Keys users put in one section that belong to another: an unknown key there gets this hint. */
export const MISPLACED_KEYS: readonly { readonly section: readonly string[]; readonly keys: readonly string[]; readonly hint: string }[] = [
  // The deprecation policy's keys under the top-level `lifecycle:` (usage, idle alerts, owners).
  { section: ["lifecycle"], keys: ["rules", "maxArchiveShare", "environment", "schedule"], hint: "the deprecation policy's keys go under policies.deprecation" },
];

export const tokenSchema = z
  .object({
    /** Who the token stands for: the actor id recorded in the audit trail and git commits. */
    subject: z.string().min(1).max(200),
    displayName: z.string().min(1).max(200).optional(),
    email: z.string().email().optional(),
    /** SHA-256 of the token, hex (`modelgate token new` prints one). The token itself is never stored. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the 64-character lower-case hex SHA-256 of the token"),
    roles: z.array(z.enum(ROLES)).min(1),
  })
  .strict();

/** Why auth.jwt.audience is required in production mode (the config check and the authenticator say it). */
export const JWT_AUDIENCE_REQUIRED =
  "is required when server.mode is production: without it a token the issuer minted for any other service would be accepted";

export const jwtSchema = z
  .object({
    /** Expected `iss`. */
    issuer: z.string().min(1),
    /** Expected `aud`: required when server.mode is production (tokens minted for other services are refused). */
    audience: z.string().min(1).optional(),
    /** Where the issuer publishes its signing keys. */
    jwksUri: z.string().url(),
    /** Claim holding the roles, as a dotted path (e.g. "realm_access.roles"); its values must be role names. */
    rolesClaim: z.string().min(1).default("roles"),
    /** Claim used as the actor id. */
    subjectClaim: z.string().min(1).default("sub"),
    /** Tolerated clock skew, seconds. */
    clockToleranceSeconds: z.number().int().min(0).max(600).default(30),
  })
  .strict();

export const authSchema = z
  .object({
    tokens: z.array(tokenSchema).default([]),
    jwt: jwtSchema.optional(),
  })
  .strict()
  .superRefine((auth, ctx) => {
    const seen = new Set<string>();
    auth.tokens.forEach((t, i) => {
      if (seen.has(t.sha256)) ctx.addIssue({ code: "custom", path: ["tokens", i, "sha256"], message: "the same token is listed twice" });
      seen.add(t.sha256);
    });
  });

const stageEnum = z.enum(STAGE_NAMES);

/** Lineage fields a policy can require (ModelVersion.lineage). */
export const LINEAGE_FIELDS = ["runId", "runLink", "codeCommit", "datasetHash", "parentModel", "teacherModel"] as const;

const requireSignatureSchema = z.union([
  z.literal(true),
  z
    .object({
      /** Ids of `signing.keys` whose signatures count (none listed: no key counts unless identities is empty too). */
      keys: z.array(z.string().min(1)).default([]),
      /** Ids of `signing.identities` whose signatures count. */
      identities: z.array(z.string().min(1)).default([]),
    })
    .strict(),
]);

const signingKeySchema = z
  .object({
    id: z.string().regex(idPattern, "must be lower-case letters, digits, '-' or '_' (at most 63)"),
    /** The PEM public key (ECDSA P-256, P-384 or P-521, as `model_signing sign key` uses). */
    publicKey: z.string().min(1).optional(),
    /** Or a file holding it, relative to the config file. */
    publicKeyFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((k) => (k.publicKey === undefined) !== (k.publicKeyFile === undefined), { message: "give exactly one of publicKey and publicKeyFile" });

const signingIdentitySchema = z
  .object({
    id: z.string().regex(idPattern, "must be lower-case letters, digits, '-' or '_' (at most 63)"),
    /** The signing certificate's subject alternative name (an email or URI), exactly. */
    identity: z.string().min(1),
    /** The OIDC issuer the certificate records (Fulcio's extension); omitted: any issuer. */
    issuer: z.string().min(1).optional(),
  })
  .strict();

/** Model signature verification (OpenSSF model signing). See docs/provenance.md#signing. */
export const signingSchema = z
  .object({
    /** Public keys whose signatures are trusted. */
    keys: z.array(signingKeySchema).default([]),
    /** Certificate identities whose signatures are trusted (their certificates must chain to trustedRoot). */
    identities: z.array(signingIdentitySchema).default([]),
    /** A Sigstore trusted root JSON or PEM CA certificates, relative to the config file; needed for identities. */
    trustedRoot: z.string().min(1).optional(),
    /**
     * Directories `file://` artifacts and signatures may be read from (relative to the config file).
     * Anything else is refused: a registered artifact URI must not make the gateway list or hash
     * arbitrary local files. Empty: no `file://` artifacts are verified.
     */
    fileRoots: z.array(z.string().min(1)).default([]),
    /** The signature's file name inside a version's artifact directory. */
    signatureFile: z.string().min(1).default("model.sig"),
    /** A version tag whose value, when present, says where the signature is instead (a path relative to the artifact, file:// or s3://). */
    signatureTag: z.string().min(1).default("model_signature"),
    /** Accept artifact files the signature does not cover (model_signing's --ignore_unsigned_files). */
    ignoreUnsignedFiles: z.boolean().default(false),
    /** How long a read of ModelVersion.signature is reused while the artifact's files are unchanged (gates always verify afresh). */
    cacheSeconds: z.number().int().min(0).max(86_400).default(300),
    /** S3 access for s3:// artifacts (credentials default to AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN). */
    s3: z
      .object({
        region: z.string().min(1),
        /** Another endpoint (an S3-compatible store); path-style addressing. */
        endpoint: z.string().url().optional(),
        credentials: z
          .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((signing, ctx) => {
    const seen = new Set<string>();
    [...signing.keys.map((k, i) => ["keys", i, k.id] as const), ...signing.identities.map((k, i) => ["identities", i, k.id] as const)].forEach(([list, i, id]) => {
      if (seen.has(id)) ctx.addIssue({ code: "custom", path: [list, i, "id"], message: `duplicate signer id "${id}" (keys and identities share one namespace)` });
      seen.add(id);
    });
    if (signing.identities.length > 0 && signing.trustedRoot === undefined) {
      ctx.addIssue({ code: "custom", path: ["trustedRoot"], message: "identities need a trusted root to check their certificates against" });
    }
  });

/** The gates one promotion must pass. */
export const gatesSchema = z
  .object({
    /** An eval record for the exact version, with score >= minScore (and of `suite`, when given). */
    eval: z
      .object({
        minScore: z.number().finite(),
        suite: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** A clean canary/shadow result recorded for the version in the environment. */
    canary: z.boolean().default(false),
    /** Approvals by users with the approver role other than the requester. */
    approvals: z.number().int().min(0).max(10).default(0),
    /** The newest shadow report of the version in the environment must meet these (docs/lifecycle.md#shadow-evidence). */
    requireShadowEvidence: z
      .object({
        minRequests: z.number().int().min(0).default(0),
        minAgreement: z.number().min(0).max(1).default(0),
        maxErrorRate: z.number().min(0).max(1).default(1),
      })
      .strict()
      .optional(),
    /**
     * A verified model signature over the version's artifact (docs/provenance.md#signing): `true`
     * for any signer in `signing`, or the signing keys and/or identities (their ids) that may sign.
     */
    requireSignature: requireSignatureSchema.optional(),
    /** Lineage fields the version must carry, e.g. [datasetHash, codeCommit]. */
    requireLineage: z.array(z.enum(LINEAGE_FIELDS)).min(1).optional(),
  })
  .strict();

export const policyRuleSchema = z
  .object({
    /** Model names this rule covers: a glob where `*` matches any run of characters ("support-*"), or "*". */
    models: z.string().min(1).default("*"),
    /** Backend id this rule covers, or "*". */
    backend: z.string().min(1).default("*"),
    /** Environment this rule covers, or "*". */
    environment: z.string().min(1).default("*"),
    /** Target stages this rule covers (default: all). */
    toStages: z.array(stageEnum).min(1).optional(),
    /**
     * Stages the version must be in for this rule to cover it (default: any), e.g. [SHADOW] with
     * toStages [PRODUCTION] for the SHADOW -> PRODUCTION step's own gates and approvals.
     */
    fromStages: z.array(stageEnum).min(1).optional(),
    gates: gatesSchema.default(gatesSchema.parse({})),
    /** Where the replaced production version goes. */
    demoteTo: stageEnum.default("ARCHIVED"),
  })
  .strict();

/**
 * Aliases of matching models that move only through a promotion request, for every principal
 * (docs/lifecycle.md#protected-aliases). The request passes the gates and approvals of the policy
 * rule that a promotion into `environment`'s stage would (from the version's stage).
 */
export const protectedAliasSchema = z
  .object({
    /** Model names covered: a glob where `*` matches any run of characters, or "*". */
    models: z.string().min(1).default("*"),
    /** Backend id covered, or "*". */
    backend: z.string().min(1).default("*"),
    /** The protected alias names, e.g. [champion]. */
    aliases: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_'")).min(1),
    /** The environment whose policy rules, evidence and approvals a move needs (and whose slot its request is recorded in). */
    environment: z.string().min(1),
  })
  .strict();

/** Allowed stage transitions: from stage -> stages it may go to. */
export const transitionsSchema = z.partialRecord(stageEnum, z.array(stageEnum));

/**
 * One deprecation rule (docs/lifecycle.md#deprecation-policy): which models it covers, how many of
 * their newest versions are always kept, and how long an older version must have been out of every
 * deployment revision before it is archived.
 */
export const deprecationRuleSchema = z
  .object({
    /** Model names this rule covers: a glob where `*` matches any run of characters ("support-*"), or "*". */
    models: z.string().min(1).default("*"),
    /** Backend id this rule covers, or "*". */
    backend: z.string().min(1).default("*"),
    /** The newest N versions of each model are never archived (newest by creation time, then version number). */
    keepNewest: z.number().int().min(1, "must be at least 1: a model always keeps its newest version").max(10_000),
    /**
     * An older version is archived only when it was created more than this many days ago and no
     * deployment revision used it in that time (created with it, or activated, or running).
     */
    archiveAfterDays: z.number().int().min(0).max(36_500).default(30),
    /** Largest share (0-1) of one model's versions a single plan may archive; a plan past it stops and asks. Default: policies.deprecation.maxArchiveShare. */
    maxArchiveShare: z.number().min(0).max(1).optional(),
  })
  .strict();

/**
 * `policies.deprecation`, the deprecation policy as code: archive what no environment or deployment
 * needs. See docs/lifecycle.md#deprecation-policy. (Not the top-level `lifecycle:`, which counts
 * usage, raises idle alerts and names owners: ./lifecycle-usage-schema.ts.)
 */
export const deprecationPolicySchema = z
  .object({
    /** Checked in order; the first rule matching a model's backend and name applies (no rule: the model is left alone). */
    rules: z.array(deprecationRuleSchema).default([]),
    /** Largest share (0-1) of all the versions the rules cover that one plan may archive, and the default per model. */
    maxArchiveShare: z.number().min(0).max(1).default(0.5),
    /**
     * The environment the archive requests are made in: the promotion rules for ARCHIVED are matched
     * against it (its gates and approvals apply). Default: the first configured environment.
     */
    environment: z.string().min(1).optional(),
    /** When set, the leader plans and applies every `everyMinutes` minutes, as the system principal `modelgate:lifecycle`. */
    schedule: z
      .object({
        everyMinutes: z.number().int().min(1).max(44_640),
      })
      .strict()
      .optional(),
  })
  .strict();

export const policiesSchema = z
  .object({
    /** Replaces the default transition table when given (stages left out allow no transition). */
    transitions: transitionsSchema.optional(),
    /** Checked in order; the first rule matching backend, model, environment and target stage applies. */
    rules: z.array(policyRuleSchema).default([]),
    /** Deprecation policy: keep the newest N versions, archive the rest nothing uses. See docs/lifecycle.md#deprecation-policy. */
    deprecation: deprecationPolicySchema.optional(),
    /** Aliases only a promotion request may move (docs/lifecycle.md#protected-aliases). */
    protectedAliases: z.array(protectedAliasSchema).default([]),
  })
  .strict();

/** The background check that compares backends with the promotion trail. See docs/promotions.md#drift. */
export const driftSchema = z
  .object({
    /** Run the check in the background (the driftCheck mutation works either way). */
    enabled: z.boolean().default(true),
    /** Seconds between the end of one pass and the start of the next. */
    intervalSeconds: z.number().int().min(5).max(86_400).default(60),
    /** Deadline of each model's check, backend calls included (a slow model fails alone). */
    modelTimeoutSeconds: z.number().positive().max(3_600).default(30),
    /** Models checked at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** No model starts once a pass has run this long; the next pass resumes with the first model not reached. */
    passTimeoutSeconds: z.number().positive().max(86_400).default(300),
  })
  .strict();

/** One outbound webhook target. See docs/events.md#webhooks. */
export const webhookTargetConfigSchema = z
  .object({
    /** Stable id: the delivery log is kept under it. */
    id: z.string().regex(idPattern, "must be lower-case letters, digits, '-' or '_' (at most 63)"),
    /** Where events are POSTed: an http(s) URL. */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL"),
    /** HMAC-SHA256 signing key (use ${ENV} substitution to keep it out of the file). */
    secret: z.string().min(16, "must be at least 16 characters"),
    /** Registry event types to send (default: all). */
    events: z.array(z.enum(REGISTRY_EVENT_TYPES)).default([]),
    /** Only events about this backend, model and/or environment. */
    filter: z
      .object({
        backend: z.string().min(1).optional(),
        model: z.string().min(1).optional(),
        environment: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/**
 * Where webhooks may be sent. By default only to public addresses: a target whose host resolves to
 * a loopback, private or link-local address (SSRF) is refused at creation and at every delivery.
 */
export const webhookEgressSchema = z
  .object({
    /** Exceptions: IP addresses ("127.0.0.1", "::1"), CIDR networks ("10.20.0.0/16", "fd00::/8") or host names ("hooks.internal"). */
    allowPrivateTargets: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .superRefine((entry, ctx) => {
            const problem = allowEntryProblem(entry);
            if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
          }),
      )
      .default([]),
  })
  .strict();

/** Receiving one MLflow server's webhooks (a push source for drift). See docs/mlflow-facade.md#webhooks. */
export const mlflowWebhookSchema = z
  .object({
    /** The MLflow backend whose server sends the deliveries; they arrive at /hooks/mlflow/<backend>. */
    backend: z.string().regex(idPattern, "must be the id of a configured backend"),
    /** HMAC-SHA256 key MLflow signs with (use ${ENV} substitution to keep it out of the file). */
    secret: z.string().min(16, "must be at least 16 characters"),
    /**
     * The URL MLflow delivers to: this gateway's /hooks/mlflow/<backend> as the MLflow server reaches
     * it. Needed when `register` is true.
     */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL")
      .optional(),
    /** Create (or bring up to date) the webhook in the MLflow server when the gateway starts. */
    register: z.boolean().default(true),
    /** The webhook's name in MLflow (how the gateway finds its own again); default modelgate-<backend>. */
    name: z.string().min(1).max(100).optional(),
    /** Deliveries whose X-MLflow-Timestamp is further than this from the gateway's clock are refused (replays). */
    toleranceSeconds: z.number().int().min(1).max(3_600).default(300),
  })
  .strict()
  .refine((w) => !w.register || w.url !== undefined, { message: "url is required when register is true", path: ["url"] });

/** The MLflow-compatible REST facade: /mlflow/<backend>/api/2.0/mlflow/... See docs/mlflow-facade.md. */
export const mlflowFacadeSchema = z
  .object({
    /** Serve the facade (every backend at /mlflow/<backend>). */
    enabled: z.boolean().default(true),
    /** A backend also served at the root, /api/2.0/mlflow/... (MLFLOW_TRACKING_URI=http://gateway). */
    defaultBackend: z.string().regex(idPattern, "must be the id of a configured backend").optional(),
    /** How long a write that a policy lets apply at once waits for the outbox before answering. */
    applyWaitMs: z.number().int().min(0).max(120_000).default(10_000),
    /** Most versions of one model read to answer latest_versions, aliases named after environments, and searches. */
    maxVersionsPerModel: z.number().int().min(1).max(100_000).default(1_000),
    /** MLflow servers whose webhooks the gateway receives (out-of-band alias and tag changes, checked for drift at once). */
    webhooks: z.array(mlflowWebhookSchema).default([]),
  })
  .strict();

export const databaseSchema = z
  .object({
    // The message never repeats the value: it may hold a password.
    url: z
      .string()
      .refine((url) => /^postgres(ql)?:\/\/\S+$/i.test(url.trim()), "must be a PostgreSQL URL: postgres://user:password@host:5432/database")
      .optional(),
  })
  .strict();

export const backgroundSchema = z
  .object({
    /** PostgreSQL: how often a follower replica tries to become the leader that runs background work. */
    leaderRetrySeconds: z.number().positive().max(300).default(2),
    /** How often the outbox looks for due promotions when nothing woke it. */
    outboxPollMs: z.number().int().min(10).max(60_000).default(1_000),
    /** How long a process owns an outbox row it applies; after a crash another takes it once this passed. */
    outboxLeaseSeconds: z.number().positive().max(3_600).default(60),
    /**
     * The end of each outbox lease no backend call may reach (default: 5 s, or a quarter of a shorter
     * lease). Shorter than outboxLeaseSeconds. See docs/operations.md, "Exactly once".
     */
    outboxLeaseMarginSeconds: z.number().min(0).max(600).optional(),
    /** How often the leader judges running guarded rollouts on their evidence (docs/lifecycle.md#guarded-rollouts). */
    rolloutPollMs: z.number().int().min(10).max(600_000).default(5_000),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.outboxLeaseMarginSeconds !== undefined && b.outboxLeaseMarginSeconds >= b.outboxLeaseSeconds) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["outboxLeaseMarginSeconds"],
        message: `must be shorter than background.outboxLeaseSeconds (${b.outboxLeaseSeconds}): a backend call needs some of the lease`,
      });
    }
  });

/** GET /metrics (Prometheus text format). See docs/operations.md#metrics. */
export const metricsSchema = z
  .object({
    /** Record metrics and serve /metrics. */
    enabled: z.boolean().default(true),
    /**
     * Bearer tokens that may read /metrics and nothing else (a Prometheus scraper's credentials),
     * by SHA-256 like auth.tokens. Admins may always read /metrics.
     */
    tokens: z
      .array(
        z
          .object({
            /** Who scrapes with it (for whoever reads the config; it never appears in the audit trail). */
            subject: z.string().min(1).max(200),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the 64-character lower-case hex SHA-256 of the token"),
          })
          .strict(),
      )
      .default([]),
    /** Distinct GraphQL operation names labelled one by one; later new names are counted as "other". */
    maxOperationNames: z.number().int().min(0).max(10_000).default(200),
    /** How long the gauges read from the store (outbox, drift, webhooks) are reused between scrapes. */
    storeCacheMs: z.number().int().min(0).max(300_000).default(5_000),
  })
  .strict();

/** OpenTelemetry traces exported over OTLP/HTTP. Off by default. See docs/operations.md#traces. */
export const tracingSchema = z
  .object({
    enabled: z.boolean().default(false),
    /**
     * OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces. Unset: the
     * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT variables, else
     * http://localhost:4318/v1/traces.
     */
    endpoint: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL")
      .optional(),
    /** Headers sent with every export (a vendor's API key: use ${ENV} substitution). */
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** service.name of every span. Unset: OTEL_SERVICE_NAME, else "modelgate". */
    serviceName: z.string().min(1).max(200).optional(),
    /** Share of new traces recorded (0-1); a request that arrives with a sampled parent follows its parent. */
    sampleRatio: z.number().min(0).max(1).default(1),
    /** Extra resource attributes (deployment.environment, ...), added to OTEL_RESOURCE_ATTRIBUTES. */
    resourceAttributes: z.record(z.string().min(1), z.string()).default({}),
  })
  .strict();

/** Lifecycle automation (docs/lifecycle.md): usage counting, idle alerts, model owners. */
export const lifecycleUsageSchema = z.object({ ...lifecycleUsageKeys }).strict();

export const configSchema = z
  .object({
    /**
     * Who may call the API. Without it the gateway runs in loopback-only development mode: every
     * caller is "anonymous" with every role, and binding to a non-loopback address is refused.
     */
    auth: authSchema.optional(),
    server: serverSchema.default(serverSchema.parse({})),
    /** Bounds on one GraphQL document (depth, aliases, tokens, cost, ...). See docs/configuration.md#limits. */
    limits: limitsSchema.default(LIMIT_DEFAULTS),
    /** Where the gateway keeps its state (SQLite file, clones). Relative to the config file. */
    dataDir: z.string().min(1).default(".modelgate"),
    /**
     * The store's database: without `url`, SQLite at `${dataDir}/modelgate.db` (one gateway process);
     * with a postgres:// URL, PostgreSQL, which several gateway replicas may share. See docs/operations.md.
     */
    database: databaseSchema.default({}),
    /** Background work (outbox, drift polling, webhooks): run by one leader among the replicas. See docs/operations.md. */
    background: backgroundSchema.default(backgroundSchema.parse({})),
    logLevel: z.enum(LOG_LEVELS).default("info"),
    environments: z
      .record(z.string().regex(idPattern, "environment names are lower-case ids"), environmentSchema)
      .default({ production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } }),
    /** Promotion policies: gates per model pattern and environment. See docs/promotions.md. */
    policies: policiesSchema.optional(),
    /** Model signature verification: trusted keys and identities. See docs/provenance.md#signing. */
    signing: signingSchema.default(signingSchema.parse({})),
    /** Drift detection: out-of-band changes to stages the gateway applied. */
    drift: driftSchema.default(driftSchema.parse({})),
    /** GET /metrics for Prometheus. See docs/operations.md#metrics. */
    metrics: metricsSchema.default(metricsSchema.parse({})),
    /** OpenTelemetry traces (off by default). See docs/operations.md#traces. */
    tracing: tracingSchema.default(tracingSchema.parse({})),
    /** The MLflow-compatible REST facade and MLflow webhooks. See docs/mlflow-facade.md. */
    mlflowFacade: mlflowFacadeSchema.default(mlflowFacadeSchema.parse({})),
    /** Outbound webhooks: signed JSON POSTs of registry events. See docs/events.md#webhooks. */
    /** Lifecycle automation: usage counting, idle alerts, model owners (the deprecation policy is policies.deprecation). See docs/lifecycle.md. */
    lifecycle: lifecycleUsageSchema.default(lifecycleUsageSchema.parse({})),
    /** Where webhooks may be sent: public addresses, plus the exceptions listed here. See docs/security.md. */
    webhookEgress: webhookEgressSchema.default({ allowPrivateTargets: [] }),
    webhooks: z
      .array(webhookTargetConfigSchema)
      .default([])
      .superRefine(
        (targets, ctx) => {
          const seen = new Set<string>();
          (targets as unknown[]).forEach((t, i) => {
            const id = (t as { id?: unknown } | null)?.id;
            if (typeof id !== "string") return;
            if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate webhook id "${id}"` });
            seen.add(id);
          });
        },
        { when: (payload) => Array.isArray(payload.value) },
      ),
    backends: z
      .array(backendConfigSchema)
      .default([])
      .superRefine(
        (backends, ctx) => {
          // Runs even when some entries have other errors (`when`), so every problem is reported at
          // once; entries are therefore not trusted to be well-formed here.
          const seen = new Set<string>();
          (backends as unknown[]).forEach((b, i) => {
            const id = (b as { id?: unknown } | null)?.id;
            if (typeof id !== "string") return;
            if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate backend id "${id}"` });
            seen.add(id);
          });
        },
        { when: (payload) => Array.isArray(payload.value) },
      ),
  })
  .strict()
  .superRefine((config, ctx) => {
    // A production gateway accepts only JWTs minted for it: the issuer may serve other audiences.
    if (config.server.mode === "production" && config.auth?.jwt !== undefined && config.auth.jwt.audience === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["auth", "jwt", "audience"],
        message: JWT_AUDIENCE_REQUIRED,
      });
    }
    const backendIds = new Set(config.backends.map((b) => b.id));
    const known = () => config.backends.map((b) => b.id).join(", ") || "(none)";
    const facade = config.mlflowFacade;
    if (facade.defaultBackend !== undefined && !backendIds.has(facade.defaultBackend)) {
      ctx.addIssue({ code: "custom", path: ["mlflowFacade", "defaultBackend"], message: `unknown backend "${facade.defaultBackend}"; configured: ${known()}` });
    }
    const hooked = new Set<string>();
    facade.webhooks.forEach((w, i) => {
      const backend = config.backends.find((b) => b.id === w.backend);
      if (backend === undefined) {
        ctx.addIssue({ code: "custom", path: ["mlflowFacade", "webhooks", i, "backend"], message: `unknown backend "${w.backend}"; configured: ${known()}` });
      } else if (backend.kind !== "mlflow") {
        ctx.addIssue({ code: "custom", path: ["mlflowFacade", "webhooks", i, "backend"], message: `backend "${w.backend}" is ${backend.kind}, not mlflow: only an MLflow server sends MLflow webhooks` });
      }
      if (hooked.has(w.backend)) ctx.addIssue({ code: "custom", path: ["mlflowFacade", "webhooks", i, "backend"], message: `backend "${w.backend}" has two webhook entries` });
      hooked.add(w.backend);
    });
    // A config webhook whose URL names a non-public IP (or localhost) would be refused at every
    // delivery: say so now. (Host names are resolved, and checked, when delivering.)
    let egress: TargetAddressPolicy;
    try {
      egress = new TargetAddressPolicy(config.webhookEgress.allowPrivateTargets);
    } catch {
      return; // reported on the entry itself
    }
    config.webhooks.forEach((target, i) => {
      let host: string;
      try {
        host = urlHost(new URL(target.url));
      } catch {
        return;
      }
      const address = host === "localhost" || host.endsWith(".localhost") ? "127.0.0.1" : host;
      const kind = nonPublicKind(address);
      if (kind !== undefined && egress.refusal(host, address) !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["webhooks", i, "url"],
          message: `${host} is ${kind}: webhooks may not target loopback, private or link-local addresses unless webhookEgress.allowPrivateTargets lists it`,
        });
      }
    });
    // Policies may only name environments and backends that exist: a typo would silently never match.
    config.policies?.rules.forEach((rule, i) => {
      if (rule.environment !== "*" && !(rule.environment in config.environments)) {
        ctx.addIssue({
          code: "custom",
          path: ["policies", "rules", i, "environment"],
          message: `unknown environment "${rule.environment}"; configured: ${Object.keys(config.environments).join(", ")} (or "*")`,
        });
      }
      const sig = rule.gates.requireSignature;
      if (sig !== undefined) {
        const keys = new Set(config.signing.keys.map((k) => k.id));
        const identities = new Set(config.signing.identities.map((k) => k.id));
        if (keys.size + identities.size === 0) {
          ctx.addIssue({
            code: "custom",
            path: ["policies", "rules", i, "gates", "requireSignature"],
            message: "no signer to trust: add signing.keys or signing.identities",
          });
        }
        if (sig !== true) {
          if (sig.keys.length + sig.identities.length === 0) {
            ctx.addIssue({ code: "custom", path: ["policies", "rules", i, "gates", "requireSignature"], message: "name at least one key or identity, or write `requireSignature: true` for any configured signer" });
          }
          sig.keys.forEach((id, j) => {
            if (!keys.has(id)) {
              ctx.addIssue({ code: "custom", path: ["policies", "rules", i, "gates", "requireSignature", "keys", j], message: `unknown signing key "${id}"; configured: ${[...keys].join(", ") || "(none)"}` });
            }
          });
          sig.identities.forEach((id, j) => {
            if (!identities.has(id)) {
              ctx.addIssue({
                code: "custom",
                path: ["policies", "rules", i, "gates", "requireSignature", "identities", j],
                message: `unknown signing identity "${id}"; configured: ${[...identities].join(", ") || "(none)"}`,
              });
            }
          });
        }
      }
      if (rule.backend !== "*" && !config.backends.some((b) => b.id === rule.backend)) {
        ctx.addIssue({
          code: "custom",
          path: ["policies", "rules", i, "backend"],
          message: `unknown backend "${rule.backend}"; configured: ${config.backends.map((b) => b.id).join(", ") || "(none)"} (or "*")`,
        });
      }
    });
    // Idle checks and owner rules may only name environments and backends that exist.
    config.lifecycle.idle.environments?.forEach((env, i) => {
      if (!(env in config.environments)) {
        ctx.addIssue({ code: "custom", path: ["lifecycle", "idle", "environments", i], message: `unknown environment "${env}"; configured: ${Object.keys(config.environments).join(", ")}` });
      }
    });
    config.lifecycle.owners.forEach((rule, i) => {
      if (rule.backend !== "*" && !backendIds.has(rule.backend)) {
        ctx.addIssue({ code: "custom", path: ["lifecycle", "owners", i, "backend"], message: `unknown backend "${rule.backend}"; configured: ${known()} (or "*")` });
      }
    });
    // Deprecation rules name backends and environments that exist, like promotion rules.
    const deprecation = config.policies?.deprecation;
    if (deprecation !== undefined) {
      if (deprecation.environment !== undefined && !(deprecation.environment in config.environments)) {
        ctx.addIssue({
          code: "custom",
          path: ["policies", "deprecation", "environment"],
          message: `unknown environment "${deprecation.environment}"; configured: ${Object.keys(config.environments).join(", ")}`,
        });
      }
      deprecation.rules.forEach((rule, i) => {
        if (rule.backend !== "*" && !backendIds.has(rule.backend)) {
          ctx.addIssue({ code: "custom", path: ["policies", "deprecation", "rules", i, "backend"], message: `unknown backend "${rule.backend}"; configured: ${known()} (or "*")` });
        }
      });
      if (deprecation.schedule !== undefined && deprecation.rules.length === 0) {
        ctx.addIssue({ code: "custom", path: ["policies", "deprecation", "schedule"], message: "a schedule needs at least one rule in policies.deprecation.rules" });
      }
    }
    // Protected aliases name an environment whose rules decide a move, and a backend that exists.
    config.policies?.protectedAliases.forEach((entry, i) => {
      if (!(entry.environment in config.environments)) {
        ctx.addIssue({
          code: "custom",
          path: ["policies", "protectedAliases", i, "environment"],
          message: `unknown environment "${entry.environment}"; configured: ${Object.keys(config.environments).join(", ")}`,
        });
      }
      if (entry.backend !== "*" && !config.backends.some((b) => b.id === entry.backend)) {
        ctx.addIssue({
          code: "custom",
          path: ["policies", "protectedAliases", i, "backend"],
          message: `unknown backend "${entry.backend}"; configured: ${config.backends.map((b) => b.id).join(", ") || "(none)"} (or "*")`,
        });
      }
    });
    // The deprecated server.maxDepth / server.maxAliases may not contradict their limits.* successors.
    for (const key of DEPRECATED_SERVER_LIMITS) {
      const old = config.server[key];
      const current = config.limits[key];
      if (old !== undefined && current !== old && current !== LIMIT_DEFAULTS[key]) {
        ctx.addIssue({
          code: "custom",
          path: ["server", key],
          message: `deprecated alias of limits.${key}, which is set to ${current}: remove server.${key}`,
        });
      }
    }
  })
  // A deprecated server.maxDepth / server.maxAliases applies where limits.* was left at its default.
  .overwrite((config) => {
    for (const key of DEPRECATED_SERVER_LIMITS) {
      const old = config.server[key];
      if (old !== undefined && config.limits[key] === LIMIT_DEFAULTS[key]) config.limits = { ...config.limits, [key]: old };
    }
    return config;
  });

export type BackendConfig = z.infer<typeof backendConfigSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type LimitsConfig = z.infer<typeof limitsSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type PoliciesConfig = z.infer<typeof policiesSchema>;
export type DriftConfig = z.infer<typeof driftSchema>;
export type WebhookTargetConfig = z.infer<typeof webhookTargetConfigSchema>;
export type MlflowFacadeConfig = z.infer<typeof mlflowFacadeSchema>;
export type MlflowWebhookConfig = z.infer<typeof mlflowWebhookSchema>;
export type PolicyRuleConfig = z.infer<typeof policyRuleSchema>;
export type DeprecationPolicyConfig = z.infer<typeof deprecationPolicySchema>;
export type DeprecationRuleConfig = z.infer<typeof deprecationRuleSchema>;
export type ProtectedAliasConfig = z.infer<typeof protectedAliasSchema>;
export type MetricsConfig = z.infer<typeof metricsSchema>;
export type TracingConfig = z.infer<typeof tracingSchema>;
export type SigningConfig = z.infer<typeof signingSchema>;
export type LifecycleUsageConfig = z.infer<typeof lifecycleUsageSchema>;
export type { IdleConfig, OwnerRuleConfig, UsageConfig } from "./lifecycle-usage-schema.js";
export type ModelgateConfig = z.infer<typeof configSchema>;

/** A loaded config plus where it came from (paths in it are relative to `configDir`). */
export interface LoadedConfig {
  config: ModelgateConfig;
  /** Absolute path of the file read, undefined when none was found and defaults apply. */
  configPath?: string;
  configDir: string;
  /** Absolute data dir. */
  dataDir: string;
}
