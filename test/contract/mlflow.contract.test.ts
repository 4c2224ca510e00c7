import { mlflowAdapter } from "../../adapters/mlflow/index.js";
import { deleteModelsWithPrefix, sharedMlflowUrl, silentLogger } from "../mlflow/helpers.js";
import { describeAdapterContract } from "./registry-adapter.contract.js";

// The suite names its models `ct<random>-…`: a fresh prefix per run on the shared MLflow server.
describeAdapterContract("mlflow", async () => {
  const url = sharedMlflowUrl();
  const adapter = await mlflowAdapter.create("contract-mlflow", mlflowAdapter.configSchema.parse({ trackingUri: url }), {
    logger: silentLogger,
    dataDir: "/nonexistent",
    configDir: process.cwd(),
  });
  const before = new Set(await namesStartingWith(url, "ct"));
  return {
    adapter,
    // Removes the models this run created (those with a `ct…` prefix that were not there before).
    async dispose() {
      const prefixes = new Set((await namesStartingWith(url, "ct")).filter((n) => !before.has(n)).map((n) => n.split("-")[0] as string));
      for (const prefix of prefixes) await deleteModelsWithPrefix(url, `${prefix}-`);
    },
  };
}, { deleteVersion: true, copyMarker: true });

async function namesStartingWith(url: string, start: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ filter: `name LIKE '${start}%'`, max_results: "1000" });
    if (token) q.set("page_token", token);
    const res = (await (await fetch(`${url}/api/2.0/mlflow/registered-models/search?${q}`)).json()) as {
      registered_models?: { name: string }[];
      next_page_token?: string;
    };
    names.push(...(res.registered_models ?? []).map((m) => m.name));
    token = res.next_page_token;
  } while (token);
  return names;
}
