/**
 * Assembles a gateway from a loaded config: store, adapters (with resilience), catalog, resolver
 * and audited writes, and its metrics registry and tracer. No HTTP here: the server (src/http) and
 * tests build on this.
 */
import type { LoadedConfig } from "../config/schema.js";
import type { RegistryAdapter } from "../core/index.js";
import type { GatewayServices } from "./services.js";
import type { Logger } from "../logging.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { DeploymentPromotions } from "../workflow/deployment-promotion.js";
import { DeploymentResolver } from "../workflow/deployment-resolve.js";
import { DeploymentState } from "../workflow/deployment-state.js";
import { DeploymentService } from "../workflow/deployments.js";
import { DriftChecker } from "../workflow/drift.js";
import { DriftPoller } from "../workflow/drift-poller.js";
import { TrailResolve } from "../workflow/resolve-trail.js";
import { TrailReader } from "../workflow/trail-reader.js";
import { OutboxWorker, type OutboxWorkerOptions } from "../workflow/outbox-worker.js";
import { RolloutRunner, type RolloutRunnerOptions } from "../workflow/lifecycle/rollout-runner.js";
import { RolloutService } from "../workflow/lifecycle/rollouts.js";
import { WebhookDispatcher, syncConfigTargets, type WebhookDispatcherOptions } from "../events/webhook-dispatcher.js";
import { PromotionPolicies } from "../workflow/policy.js";
import { PromotionService } from "../workflow/promotion-service.js";
import { VersionCopies } from "../workflow/lifecycle/version-copy.js";
import { ProvenanceGateEvidence } from "../workflow/provenance-gates.js";
import { ProvenanceService } from "../workflow/provenance/service.js";
import { VersionSignatures } from "../workflow/provenance/signing/version-signatures.js";
import { RegistryWrites } from "../workflow/registry-writes.js";
import { ShadowReports } from "../workflow/lifecycle/shadow-reports.js";
import { AliasMoves } from "../workflow/lifecycle/alias-moves.js";
import { ResolveAnswers } from "../workflow/resolve-answers.js";
import { IdleAlerts } from "../workflow/lifecycle/idle-alerts.js";
import { ModelOwners } from "../workflow/lifecycle/owners.js";
import { UsageRecorder } from "../workflow/lifecycle/usage-recorder.js";
import { UsageReports } from "../workflow/lifecycle/usage-reports.js";
import { DeprecationService } from "../workflow/lifecycle/deprecation-service.js";
import { DeprecationScheduler } from "../workflow/lifecycle/deprecation-scheduler.js";
import { BUILT_IN_ADAPTERS, createAdapters, type FactoryMap } from "./adapter-registry.js";
import { Catalog } from "../catalog/catalog.js";
import { EntryResolver } from "../catalog/resolve-entry.js";
import { PostgresLeadership, SoleLeadership, type Leadership } from "./leadership.js";
import { withResilience } from "../catalog/resilient-adapter.js";
import { GatewayMetrics } from "../observability/metrics.js";
import { gatewayTracer, type Tracer } from "../observability/tracing.js";
import { gatewayMetricSources } from "./metric-sources.js";

export interface Gateway {
  services: GatewayServices;
  /** Whether this process runs the background work now. */
  readonly leadership: Leadership;
  logger: Logger;
  /** This gateway's metrics (its own registry); undefined when metrics.enabled is false. */
  readonly metrics?: GatewayMetrics;
  /** The tracer of its spans; undefined when tracing.enabled is false (no span work at all). */
  readonly tracer?: Tracer;
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  logger: Logger;
  /** Replace the built-in adapter kinds (tests inject fault adapters here). */
  factories?: FactoryMap;
  /** Use this store instead of opening the configured one (closed with the gateway). */
  store?: Store;
  /**
   * The promotion outbox worker: options, or false to not start it (queued promotions then wait
   * for a gateway that runs one; tests use this to stop between commit and apply).
   */
  outbox?: OutboxWorkerOptions | false;
  /**
   * The background drift check: false to not run it whatever the config says (tests use this and
   * call the on-demand check instead); by default it runs as `drift` in the config says.
   */
  drift?: false;
  /** Who runs the background work (default: SoleLeadership on SQLite, PostgresLeadership with database.url). */
  leadership?: Leadership;
  /** The webhook dispatcher: options (tests: short backoff, clock ...), or false to not start it. */
  webhooks?: WebhookDispatcherOptions | false;
  /** The clock of usage counting, usage reports and idle checks (tests move it forward). */
  lifecycleClock?: () => Date;
  /** false: the leader does not check for idle versions in the background (tests call services.idleAlerts.check()). */
  idleChecks?: false;
  /** The scheduled deprecation policy: false to not run it whatever the config says; intervalMs overrides the schedule (tests). */
  deprecation?: { intervalMs?: number } | false;
  /** The leader's guarded-rollout pass: options (tests: a short poll), or false to not run it. */
  rollouts?: RolloutRunnerOptions | false;
}

export async function createGateway(loaded: LoadedConfig, opts: CreateGatewayOptions): Promise<Gateway> {
  const { config } = loaded;
  const logger = opts.logger;
  // Model signatures are verified against the trust in `signing`: its key files and trusted root
  // are read here, before anything opens, so a bad one stops start-up naming the entry.
  const signatures = new VersionSignatures(config.signing, { configDir: loaded.configDir });
  const store = opts.store ?? (await openStore(loaded, { onBackgroundError: (message) => logger.warn({ component: "store" }, message) }));
  try {
    // Config-owned webhook targets as modelgate.yaml says (config wins over the API for those ids).
    await syncConfigTargets(store, config.webhooks, new Date());
  } catch (err) {
    await store.close();
    throw err;
  }
  let adapters: RegistryAdapter[];
  try {
    adapters = await createAdapters(
      config.backends,
      { logger: logger.child({ component: "adapter" }), dataDir: loaded.dataDir, configDir: loaded.configDir },
      opts.factories ?? BUILT_IN_ADAPTERS,
    );
  } catch (err) {
    await store.close();
    throw err;
  }
  const metrics = config.metrics.enabled ? new GatewayMetrics({ maxOperationNames: config.metrics.maxOperationNames }) : undefined;
  const tracer = gatewayTracer(config.tracing.enabled);
  const telemetry = { ...(metrics === undefined ? {} : { metrics }), ...(tracer === undefined ? {} : { tracer }) };
  const timeouts = new Map(config.backends.map((b) => [b.id, b.timeoutMs]));
  const catalog = new Catalog(adapters.map((a) => withResilience(a, { timeoutMs: timeouts.get(a.info.id) ?? 10_000, ...telemetry })));
  // Resolve, whatRunsInProduction and health judge what the backends report against the promotion trail.
  const trail = new TrailReader(store, config.environments);
  const resolver = new EntryResolver(catalog, config.environments, new TrailResolve(trail));
  const policies = new PromotionPolicies(config.policies);
  const promotions = new PromotionService(config, catalog, store, policies, undefined, new ProvenanceGateEvidence(signatures));
  const deploymentPromotions = new DeploymentPromotions(config, catalog, store, promotions, policies);
  const deploymentState = new DeploymentState(catalog, store, (env) => deploymentPromotions.environmentStage(env), trail);
  const deploymentResolver = new DeploymentResolver(catalog, store, resolver, deploymentState);
  const resolveCacheMs = new Map(config.backends.map((b) => [b.id, b.resolveCacheMs]));
  const resolveAnswers = new ResolveAnswers(catalog, store, deploymentResolver, resolver, {
    resolveCacheMs: (id) => resolveCacheMs.get(id) ?? 0,
    buildTimeoutMs: config.server.requestTimeoutMs,
    onRefreshError: (err, name, environment) => logger.debug({ err, name, environment }, "background rebuild of a resolve answer failed"),
  });
  const lifecycleClock = opts.lifecycleClock ?? (() => new Date());
  const usage = new UsageRecorder(store.lifecycle, opts.lifecycleClock === undefined ? {} : { now: () => lifecycleClock().getTime() });
  usage.start(config.lifecycle.usage.flushIntervalSeconds * 1_000, (err) => logger.warn({ err, component: "usage" }, "could not flush resolve counts; they are kept for the next flush"));
  const owners = new ModelOwners(config.lifecycle.owners);
  const services: GatewayServices = {
    config,
    catalog,
    store,
    resolver,
    writes: new RegistryWrites(catalog, store, logger.child({ component: "writes" }), config.policies),
    promotions,
    drift: new DriftChecker(store, catalog, { environments: config.environments }),
    deployments: new DeploymentService(config, catalog, store),
    deploymentPromotions,
    deploymentState,
    deploymentResolver,
    resolveAnswers,
    provenance: new ProvenanceService(config, catalog, store, signatures),
    usage,
    usageReports: new UsageReports(config, catalog, store, lifecycleClock),
    owners,
    idleAlerts: new IdleAlerts(config, catalog, store, deploymentState, owners, { clock: lifecycleClock, timeoutMs: config.server.requestTimeoutMs }),
    deprecation: new DeprecationService(config, catalog, store, promotions),
    shadowReports: new ShadowReports(config, catalog, store, promotions),
    aliasMoves: new AliasMoves(config, catalog, promotions, policies),
    rollouts: new RolloutService(store, promotions, deploymentPromotions),
    copies: new VersionCopies(config, catalog, store, promotions, policies),
  };
  // Background work runs on one leader among the replicas sharing the database (always this
  // process on SQLite); it is built afresh each time this process becomes the leader.
  const leadership: Leadership =
    opts.leadership ??
    (config.database.url === undefined
      ? new SoleLeadership()
      : new PostgresLeadership({ url: config.database.url, logger: logger.child({ component: "leader" }), retryMs: config.background.leaderRetrySeconds * 1_000 }));
  let background: { worker?: OutboxWorker; poller?: DriftPoller; webhooks?: WebhookDispatcher; deprecation?: DeprecationScheduler; rollouts?: RolloutRunner } = {};
  const startBackground = () => {
    const worker =
      opts.outbox === false
        ? undefined
        : new OutboxWorker(store, catalog, logger.child({ component: "outbox" }), {
            pollMs: config.background.outboxPollMs,
            leaseMs: config.background.outboxLeaseSeconds * 1_000,
            ...(config.background.outboxLeaseMarginSeconds === undefined ? {} : { leaseMarginMs: config.background.outboxLeaseMarginSeconds * 1_000 }),
            ...telemetry,
            ...opts.outbox,
          });
    const poller =
      opts.drift === false || !config.drift.enabled
        ? undefined
        : new DriftPoller(services.drift.passes, logger.child({ component: "drift" }), {
            intervalMs: config.drift.intervalSeconds * 1_000,
            passTimeoutMs: config.drift.passTimeoutSeconds * 1_000,
            modelTimeoutMs: config.drift.modelTimeoutSeconds * 1_000,
            concurrency: config.drift.concurrency,
          });
    const webhooks =
      opts.webhooks === false
        ? undefined
        : new WebhookDispatcher(store, logger.child({ component: "webhooks" }), {
            egress: { allowPrivateTargets: config.webhookEgress.allowPrivateTargets },
            ...opts.webhooks,
          });
    const schedule = config.policies?.deprecation?.schedule;
    const deprecation =
      opts.deprecation === false || schedule === undefined
        ? undefined
        : new DeprecationScheduler(services.deprecation, logger.child({ component: "lifecycle" }), {
            intervalMs: opts.deprecation?.intervalMs ?? schedule.everyMinutes * 60_000,
          });
    const rollouts =
      opts.rollouts === false
        ? undefined
        : new RolloutRunner(services.rollouts, logger.child({ component: "rollouts" }), { pollMs: config.background.rolloutPollMs, ...opts.rollouts });
    background = {
      ...(worker ? { worker } : {}),
      ...(poller ? { poller } : {}),
      ...(webhooks ? { webhooks } : {}),
      ...(deprecation ? { deprecation } : {}),
      ...(rollouts ? { rollouts } : {}),
    };
    worker?.start();
    poller?.start();
    webhooks?.start();
    if (opts.idleChecks !== false && config.lifecycle.idle.enabled) {
      services.idleAlerts.start(config.lifecycle.idle.checkIntervalSeconds * 1_000, (err) => logger.warn({ err, component: "idle" }, "idle check failed"));
    }
    deprecation?.start();
    rollouts?.start();
  };
  // Every stop still running (a stop already failed was reported by whoever awaited it): a start
  // waits for them, and close() does too, so no job of an earlier term outlives the store.
  let stopping: Promise<unknown> = Promise.resolve();
  const stopBackground = () => {
    const { worker, poller, webhooks, deprecation, rollouts } = background;
    background = {};
    const earlier = stopping.catch(() => undefined);
    stopping = Promise.all([earlier, worker?.stop(), poller?.stop(), webhooks?.stop(), deprecation?.stop(), services.idleAlerts.stop(), rollouts?.stop()]);
    return stopping;
  };
  // Queuing a request appends audit events: when that commits here, or (PostgreSQL) on any
  // replica, the leader's outbox looks at once.
  const unwatch = store.onAuditAppended(() => background.worker?.kick());
  let closed = false;
  // Each change of leadership ends the term before it. A start waits for the last term's jobs to
  // stop; it is dropped if, meanwhile, leadership was lost again or the gateway was closed (its
  // jobs would otherwise run with no one left to stop them, on a closed store).
  let term = 0;
  leadership.start((leading) => {
    const mine = ++term;
    if (leading)
      void stopping.then(() => {
        if (!closed && mine === term) startBackground();
      });
    else void stopBackground();
  });
  metrics?.setSources(
    gatewayMetricSources(catalog, store, leadership, {
      storeCacheMs: config.metrics.storeCacheMs,
      onStoreError: (err) => logger.warn({ err, component: "metrics" }, "could not read the outbox, drift and webhook gauges from the store"),
    }),
  );
  return {
    services,
    logger,
    leadership,
    ...telemetry,
    async close() {
      if (closed) return;
      closed = true;
      // The worker and the drift poller first: the backend call in flight is aborted and the row
      // handed back (its step runs again elsewhere), and a drift pass is cancelled, before the store
      // closes; then the leader lock is handed over.
      unwatch();
      resolveAnswers.close();
      await stopBackground();
      // The resolves counted since the last flush, before the store closes.
      await usage.close().catch((err: unknown) => logger.warn({ err, component: "usage" }, `could not flush ${usage.unflushed} resolve counts at shutdown; they are lost`));
      await leadership.stop();
      const results = await Promise.allSettled([...adapters.map((a) => a.close()), store.close()]);
      for (const r of results) if (r.status === "rejected") logger.warn({ err: r.reason }, "error while closing");
    },
  };
}
