/**
 * A GraphiQL page served from the package itself: React, ReactDOM and GraphiQL come from
 * node_modules, so it works offline (no CDN).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Files inside packages (found from their package.json: React does not export its UMD builds). */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript; charset=utf-8" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript; charset=utf-8" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript; charset=utf-8" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css; charset=utf-8" },
};

const cache = new Map<string, Buffer>();

export async function graphiqlAsset(name: string): Promise<{ body: Buffer; type: string } | undefined> {
  const asset = ASSETS[name];
  if (!asset) return undefined;
  let body = cache.get(name);
  if (!body) {
    body = await readFile(join(dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file));
    cache.set(name, body);
  }
  return { body, type: asset.type };
}

export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>modelgate · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)}, headers: { "apollo-require-preflight": "true" } });
    const defaultQuery = [
      "# What runs in production? Ctrl-Enter runs the query.",
      "{",
      "  backends { backendId kind health { state latencyMs } }",
      "  models(first: 10) {",
      "    nodes {",
      "      name",
      "      backendId",
      "      aliases { name version }",
      "      versions(first: 5, filter: { stage: PRODUCTION }) { nodes { version stage registryVersion } }",
      "    }",
      "  }",
      "}",
      "",
    ].join("\\n");
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery })
    );
  </script>
</body>
</html>`;
}
