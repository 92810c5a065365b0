import { defineConfig } from "@playwright/test";

// The test runner (scripts/test/run.ts) starts Iris and passes its address in IRIS_URL.
// Run alone (`npx playwright test`), the suite starts Iris's server (the last build) on port 3100 itself.
const standalonePort = 3100;
const baseURL = process.env.IRIS_URL ?? `http://127.0.0.1:${standalonePort}`;

export default defineConfig({
  testDir: "./e2e",
  testMatch: /.*\.spec\.ts$/,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  reporter: process.env.PW_JSON_OUTPUT
    ? [["list"], ["json", { outputFile: process.env.PW_JSON_OUTPUT }]]
    : [["list"]],
  outputDir: process.env.PW_OUTPUT_DIR ?? "test-results",
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    screenshot: "only-on-failure",
    trace: "off",
  },
  projects: [
    { name: "api", testDir: "./e2e/api" },
    { name: "ui", testDir: "./e2e/ui" },
  ],
  webServer: process.env.IRIS_URL
    ? undefined
    : {
        command: `node .next/iris-server.mjs`,
        url: `${baseURL}/readyz`,
        reuseExistingServer: true,
        timeout: 120_000,
        env: {
          NEXT_TELEMETRY_DISABLED: "1",
          PORT: String(standalonePort),
          HOST: "127.0.0.1",
          IRIS_DATA_DIR: ".iris-test/standalone",
          IRIS_ADMIN_PASSWORD: process.env.IRIS_ADMIN_PASSWORD ?? "iris-e2e-admin-password",
          IRIS_TRUST_PROXY: "1",
          AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e",
        },
      },
});
