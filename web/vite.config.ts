import { fileURLToPath } from "node:url";
import { defineConfig, searchForWorkspaceRoot } from "vite";

// The AppHost starts this dev server with the port to listen on (WEB_PORT), where the API is
// (VITE_API_URL, read by src/session.ts) and a cache folder of its own (WEB_CACHE_DIR). Run alone
// (`npm run dev`), it listens on localhost:5173 and calls the API at localhost:5080.
export default defineConfig({
  cacheDir: process.env.WEB_CACHE_DIR,
  server: {
    host: process.env.WEB_HOST ?? "localhost",
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    fs: {
      // The client package is linked from ../clients/typescript: let the dev server read it.
      allow: [searchForWorkspaceRoot(process.cwd()), fileURLToPath(new URL("../clients/typescript", import.meta.url))],
    },
  },
});
