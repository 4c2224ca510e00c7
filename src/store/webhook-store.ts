/**
 * Webhook targets and their delivery log as the store keeps them (`tx.webhooks` inside a
 * transaction, `store.webhooks` outside one, each call then its own transaction). The Kysely
 * implementation is in ./webhook-kysely.ts (SQL both SQLite and PostgreSQL accept); the DDL in
 * ./migrations/0006_webhooks.ts; the worker that uses it in ../events/webhook-dispatcher.ts.
 *
 * Per target the store keeps a cursor (the last audit seq the dispatcher turned into deliveries)
 * and a lease (which dispatcher may work on the target now). Deliveries of a target are ordered by
 * `position` (1, 2, 3 ...): the dispatcher delivers them strictly in that order.
 */

/** Where a target's definition comes from: `modelgate.yaml` (config wins) or the API mutations. */
export type WebhookTargetOwner = "CONFIG" | "API";

/** PENDING: to be (re)tried; SUCCEEDED: a 2xx answer; FAILED: given up after the last attempt. */
export type WebhookDeliveryStatus = "PENDING" | "SUCCEEDED" | "FAILED";

export interface WebhookTargetFilter {
  backendId?: string;
  modelName?: string;
  environment?: string;
}

/** What defines a target. */
export interface WebhookTargetSpec {
  /** Lower-case id. */
  id: string;
  /** http(s) URL the events are POSTed to. */
  url: string;
  /** HMAC-SHA256 key; write-only in the API. */
  secret: string;
  /** Registry event types to send; empty: every type. */
  events: string[];
  filter: WebhookTargetFilter;
}

export interface WebhookTargetRecord extends WebhookTargetSpec {
  owner: WebhookTargetOwner;
  /** The last audit seq turned into deliveries (events after it are still to be looked at). */
  cursorSeq: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookTargetPatch = Partial<Omit<WebhookTargetSpec, "id">> & { owner?: WebhookTargetOwner };

export interface NewWebhookDelivery {
  eventSeq: number;
  eventId: string;
  eventType: string;
  /** The registry event as JSON text (sent unchanged on every attempt). */
  eventJson: string;
}

export interface WebhookDeliveryRecord {
  id: string;
  targetId: string;
  /** Order of delivery within the target: 1, 2, 3 ... */
  position: number;
  eventSeq: number;
  eventId: string;
  eventType: string;
  eventJson: string;
  /** 0 for the first delivery of an event; 1, 2 ... for redeliveries of a succeeded one. */
  copy: number;
  /** The succeeded delivery this one redelivers. */
  redeliveryOf?: string;
  status: WebhookDeliveryStatus;
  /** Attempts made in all. */
  attemptCount: number;
  /** Attempts since it was last (re)queued: what the give-up limit counts. */
  roundAttempts: number;
  /** When the next attempt is due (PENDING only). */
  nextAttemptAt?: Date;
  lastStatusCode?: number;
  lastError?: string;
  createdAt: Date;
  /** When it SUCCEEDED or was given up. */
  completedAt?: Date;
}

export interface WebhookAttemptRecord {
  deliveryId: string;
  /** 1, 2, 3 ... per delivery. */
  number: number;
  at: Date;
  durationMs: number;
  /** The receiver's HTTP status, when it answered. */
  statusCode?: number;
  /** Why it failed (network error, timeout, non-2xx). */
  error?: string;
  success: boolean;
}

/** The result of one attempt and what it does to the delivery. */
export interface WebhookAttemptResult {
  attempt: Omit<WebhookAttemptRecord, "deliveryId" | "number">;
  /** PENDING with `nextAttemptAt` (retry), SUCCEEDED, or FAILED (given up). */
  status: WebhookDeliveryStatus;
  nextAttemptAt?: Date;
}

export interface WebhookDeliveryQuery {
  targetId: string;
  status?: WebhookDeliveryStatus;
  first: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface WebhookDeliveryPage {
  /** Newest (highest position) first. */
  items: WebhookDeliveryRecord[];
  nextCursor?: string;
}

export interface WebhookTx {
  /**
   * Records a target. Its cursor starts at the audit trail's current head (seq), so it gets the
   * events appended after it was created. Throws AlreadyExistsError (field "id") for a taken id.
   */
  createTarget(spec: WebhookTargetSpec, owner: WebhookTargetOwner, createdBy: string, at: Date): Promise<WebhookTargetRecord>;
  /** Changes the given fields; undefined when there is no such target. The cursor is kept. */
  updateTarget(id: string, patch: WebhookTargetPatch, at: Date): Promise<WebhookTargetRecord | undefined>;
  /** Removes the target with its deliveries and their attempts; false when there was none. */
  deleteTarget(id: string): Promise<boolean>;
  getTarget(id: string): Promise<WebhookTargetRecord | undefined>;
  /** Every target, by id. */
  listTargets(): Promise<WebhookTargetRecord[]>;

  /**
   * Takes the target's lease for `owner` until `until` when it is free, expired (before `now`) or
   * already `owner`'s (then it is extended). True when `owner` holds it afterwards.
   */
  acquireLease(targetId: string, owner: string, now: Date, until: Date): Promise<boolean>;
  /** Frees the lease if `owner` holds it. */
  releaseLease(targetId: string, owner: string): Promise<void>;

  /**
   * Moves the target's cursor from `fromSeq` to `toSeq` and appends `deliveries` (in the order
   * given) after the target's last position, if `leaseOwner` holds the lease and the cursor is
   * still `fromSeq`; otherwise changes nothing and returns false. A delivery of an event the target
   * already has (same event seq, copy 0) is skipped.
   */
  enqueueDeliveries(targetId: string, leaseOwner: string, fromSeq: number, toSeq: number, deliveries: NewWebhookDelivery[], at: Date): Promise<boolean>;
  /** The target's PENDING delivery with the lowest position: the only one that may be attempted. */
  headDelivery(targetId: string): Promise<WebhookDeliveryRecord | undefined>;
  /**
   * Records an attempt and the delivery's new status, if `leaseOwner` still holds the target's
   * lease and the delivery is still PENDING; otherwise records nothing and returns undefined.
   */
  recordAttempt(deliveryId: string, leaseOwner: string, result: WebhookAttemptResult): Promise<WebhookDeliveryRecord | undefined>;
  /**
   * Queues a delivery again: a PENDING one is due now with a fresh attempt budget; a FAILED one
   * moves after the target's last delivery, PENDING with a fresh budget; a SUCCEEDED one is left as
   * it is and a new delivery of the same event (next copy, `redeliveryOf` it) is appended after the
   * last. Returns the delivery that will be sent; throws NotFoundError (field "id") when unknown.
   */
  requeueDelivery(id: string, at: Date): Promise<WebhookDeliveryRecord>;
  getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>;
  listDeliveries(query: WebhookDeliveryQuery): Promise<WebhookDeliveryPage>;
  /** Attempts of these deliveries, by delivery (target, then queue position) then number. */
  listAttempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRecord[]>;
}
