/**
 * resolve(name, environment) for deployments: the bundle an application runs, with each
 * component's backend, version, artifact URI or generation config (prompt and tool schemas
 * inlined), its weight and whether it serves, and the revision's content hash as ETag. The
 * registry version to log on every call is "name@environment#revision".
 *
 * A name resolves to a deployment when a deployment of that name has a revision running in the
 * environment (at `asOf`, from the activation history); "backend/name" always means a model.
 */
import type { CallContext, ModelVersion, Prompt, ToolSet } from "../core/index.js";
import type { Catalog } from "../gateway/catalog.js";
import type { EntryResolver } from "../gateway/resolve-entry.js";
import type { DeploymentRecord, DeploymentRevisionRecord } from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { DeploymentState } from "./deployment-state.js";

export interface ResolvedComponent {
  role: string;
  weight: number;
  shadow: boolean;
  /** A non-shadow component with a weight above 0. */
  serving: boolean;
  backendId: string;
  version: ModelVersion;
  registryVersion: string;
  prompt?: Prompt;
  tools?: ToolSet;
}

export interface ResolvedDeployment {
  name: string;
  environment: string;
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  /** "name@environment#revision": what an application logs with every call it makes. */
  registryVersion: string;
  /** Strong ETag: the revision's content hash, quoted. */
  etag: string;
  components: ResolvedComponent[];
}

export class DeploymentResolver {
  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly entries: EntryResolver,
    private readonly state: DeploymentState,
  ) {}

  /** The running revision of deployment `name` in `environment`, or undefined when none runs (or the name is "backend/model"). */
  async find(name: string, environment: string, asOf?: Date): Promise<{ deployment: DeploymentRecord; revision: DeploymentRevisionRecord } | undefined> {
    const slash = name.indexOf("/");
    if (slash > 0 && this.catalog.has(name.slice(0, slash))) return undefined;
    const deployment = await this.store.deployments.getDeployment(name, environment);
    if (deployment === undefined) return undefined;
    const revision = await this.state.currentRevision(deployment, asOf);
    return revision === undefined ? undefined : { deployment, revision };
  }

  async resolve(found: { deployment: DeploymentRecord; revision: DeploymentRevisionRecord }, ctx: CallContext, asOf?: Date): Promise<ResolvedDeployment> {
    const { deployment, revision } = found;
    const read = asOf === undefined ? {} : { asOf };
    const components = await Promise.all(
      revision.components.map(async (c): Promise<ResolvedComponent> => {
        const adapter = this.catalog.backend(c.backendId);
        const version = await adapter.getVersion(c.modelName, c.version, ctx, adapter.capabilities().asOf ? read : {});
        const inlined = await this.entries.inline(version, ctx, adapter.capabilities().asOf ? read : {});
        return {
          role: c.role,
          weight: c.weight,
          shadow: c.shadow,
          serving: !c.shadow && c.weight > 0,
          backendId: c.backendId,
          version,
          registryVersion: inlined.registryVersion,
          ...(inlined.prompt === undefined ? {} : { prompt: inlined.prompt }),
          ...(inlined.tools === undefined ? {} : { tools: inlined.tools }),
        };
      }),
    );
    return {
      name: deployment.name,
      environment: deployment.environment,
      deployment,
      revision,
      registryVersion: `${deployment.name}@${deployment.environment}#${revision.number}`,
      etag: `"${revision.contentHash}"`,
      components,
    };
  }
}
