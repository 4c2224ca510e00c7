/**
 * A model card as a Hugging Face README.md: YAML front matter holding the card data, then one
 * section per heading. Human-written text sits between `<!-- modelgate:section NAME -->` markers so
 * a card read back gives the same data and the same sections (`parseCardMarkdown`).
 */
import { parse, stringify } from "yaml";
import { CARD_SECTIONS, SECTION_TITLES, type CardSection, type HumanSections, type ModelCard } from "./card.js";

const NOT_WRITTEN = "_Not documented yet: add it with `modelgate card edit` or the modelCardUpdate mutation._";

export function renderCardMarkdown(card: ModelCard): string {
  const front = stringify(card.data, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd();
  const parts = [`---\n${front}\n---`, `# ${card.title}`];
  if (card.description !== undefined) parts.push(card.description.trim());
  for (const section of CARD_SECTIONS) {
    const body: string[] = [];
    const generated = card.generated[section];
    if (generated.length > 0) body.push(generated.join("\n"));
    const human = card.sections[section];
    if (human !== undefined) body.push(`<!-- modelgate:section ${section} -->\n${human.trim()}\n<!-- /modelgate:section -->`);
    if (body.length === 0) body.push(NOT_WRITTEN);
    parts.push(`## ${SECTION_TITLES[section]}\n\n${body.join("\n\n")}`);
  }
  return `${parts.join("\n\n")}\n`;
}

export interface ParsedCard {
  data: Record<string, unknown>;
  sections: HumanSections;
}

/** Reads a README.md back: its front matter (the card data) and the human-written sections. */
export function parseCardMarkdown(markdown: string): ParsedCard {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(markdown);
  if (m === null) throw new Error("the card has no YAML front matter (--- at the top)");
  const data = parse(m[1]!) as unknown;
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("the card's front matter is not a YAML mapping");
  const sections: HumanSections = {};
  for (const s of markdown.slice(m[0].length).matchAll(/<!-- modelgate:section ([A-Za-z]+) -->\r?\n([\s\S]*?)\r?\n<!-- \/modelgate:section -->/g)) {
    const name = s[1] as CardSection;
    if ((CARD_SECTIONS as readonly string[]).includes(name)) sections[name] = s[2]!;
  }
  return { data: data as Record<string, unknown>, sections };
}
