import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests: pure logic only, co-located as *.test.ts. Anything touching HTTP, the database or
// a store is tested end to end in e2e/ against a running server.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // "server-only" throws outside React Server Components; unit tests import server modules directly.
      "server-only": path.resolve(import.meta.dirname, "lib/test/server-only-stub.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
    environment: "node",
  },
});
