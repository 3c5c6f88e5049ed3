import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The app is served from the Tauri asset protocol in production and from localhost in `make dev`.
// participant.html is a second entry with its own small bundle: the page the room serves to
// participants' phones (it shares the matrix and the placement helpers, never the backend).
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        main: new URL("index.html", import.meta.url).pathname,
        participant: new URL("participant.html", import.meta.url).pathname,
      },
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
