/** The human-written sections of a model card, in card order (Mitchell et al.), as the gateway names them. */
export const CARD_SECTIONS = [
  { id: "modelDetails", title: "Model details" },
  { id: "intendedUse", title: "Intended use" },
  { id: "factors", title: "Factors" },
  { id: "metrics", title: "Metrics" },
  { id: "evaluationData", title: "Evaluation data" },
  { id: "trainingData", title: "Training data" },
  { id: "ethicalConsiderations", title: "Ethical considerations" },
  { id: "caveats", title: "Caveats and recommendations" },
] as const;
export type CardSectionId = (typeof CARD_SECTIONS)[number]["id"];

/** What `card.missing` names, in words. */
export function missingLabel(name: string): string {
  if (name === "license") return "license";
  if (name === "datasets") return "datasets (no dataset hash in the lineage)";
  return CARD_SECTIONS.find((s) => s.id === name)?.title.toLowerCase() ?? name;
}

/**
 * The sections to send: only those whose text differs from what the card shows now ("" clears
 * one), so saving one section never copies the others into the scope being written.
 */
export function changedSections(shown: Readonly<Record<string, string>>, edited: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(edited)) if (value.trim() !== (shown[key] ?? "").trim()) out[key] = value.trim();
  return out;
}
