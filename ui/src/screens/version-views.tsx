/**
 * The views of one version, each in the URL (`?version=15&view=lineage`): its details, and its
 * provenance — what changed, lineage, impact, model card, identity and signature.
 */
import { href, Link } from "../router";
import { ChangesView } from "./provenance/changes-view";
import { CardView } from "./provenance/card-view";
import { IdentityView } from "./provenance/identity-view";
import { ImpactView } from "./provenance/impact-view";
import { LineageView } from "./provenance/lineage-view";
import { SignatureView } from "./provenance/signature-view";
import { VersionDetails } from "./version-details";

export const VERSION_VIEWS = [
  { id: "details", label: "Details" },
  { id: "changes", label: "Changes" },
  { id: "lineage", label: "Lineage" },
  { id: "impact", label: "Impact" },
  { id: "card", label: "Model card" },
  { id: "identity", label: "Identity" },
  { id: "signature", label: "Signature" },
] as const;
export type VersionView = (typeof VERSION_VIEWS)[number]["id"];

export function parseView(value: string | null): VersionView {
  return VERSION_VIEWS.find((v) => v.id === value)?.id ?? "details";
}

interface Props {
  backend: string;
  model: string;
  version: string;
  previousVersion: string | undefined;
  /** Every version of the model, newest first (to compare with). */
  versions: readonly string[];
  view: VersionView;
}

export function VersionViews({ backend, model, version, previousVersion, versions, view }: Props) {
  const title = VERSION_VIEWS.find((v) => v.id === view)?.label ?? "Details";
  const key = `${backend}/${model}@${version}`;
  return (
    <div className="version-views">
      <nav aria-label={`Views of version ${version}`} className="subnav">
        <ul>
          {VERSION_VIEWS.map((v) => (
            <li key={v.id}>
              <Link to={href(["models", backend, model], { version, view: v.id === "details" ? undefined : v.id })} aria-current={v.id === view ? "page" : undefined}>
                {v.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view === "details" ? (
        <VersionDetails backend={backend} model={model} version={version} previousVersion={previousVersion} />
      ) : (
        <div className="version-details">
          <h2 id="version-title">
            Version {version}: {title.toLowerCase()}
          </h2>
          {view === "changes" && <ChangesView backend={backend} model={model} version={version} versions={versions} />}
          {view === "lineage" && <LineageView id={key} />}
          {view === "impact" && <ImpactView target={{ version: key }} />}
          {view === "card" && <CardView backend={backend} model={model} version={version} />}
          {view === "identity" && <IdentityView backend={backend} model={model} version={version} />}
          {view === "signature" && <SignatureView backend={backend} model={model} version={version} />}
        </div>
      )}
    </div>
  );
}
