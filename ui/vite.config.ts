/**
 * Builds the console (ui/) into dist/ui, served at /ui by the gateway (src/http/ui.ts).
 * No React plugin: Vite's own transform (Oxc) compiles JSX for React 18's automatic runtime.
 * `npm run ui:dev` serves it with hot reload and forwards /graphql to a gateway on :4000.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/ui/",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/ui", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // No inline <script>: the gateway serves the console under `default-src 'self'`.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 300,
  },
  server: {
    port: 5173,
    proxy: { "/graphql": { target: "http://127.0.0.1:4000", ws: true } },
  },
});
