import { defineConfig, devices, type LaunchOptions } from "@playwright/test";

const env = process.env;
const isCI = Boolean(env["CI"]);

// A system Chromium (e.g. Debian's chromium package) instead of Playwright's own download.
const chromiumExecutable = env["PLAYWRIGHT_CHROMIUM_EXECUTABLE"];
const launchOptions: LaunchOptions = chromiumExecutable
  ? {
      executablePath: chromiumExecutable,
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
    }
  : {};

const workersFromEnv = Number.parseInt(env["E2E_WORKERS"] ?? "", 10);
const workers = Number.isInteger(workersFromEnv) && workersFromEnv > 0 ? workersFromEnv : isCI ? 1 : 2;

/**
 * End-to-end specs run against an already running app (by default `npm run preview`, which
 * proxies /api to the backend). Reports:
 *   playwright-report/         HTML report
 *   test-results/junit.xml     JUnit XML
 *   test-results/results.json  JSON: which specs passed only on a retry (status "flaky")
 *   test-results/<test>/       traces, screenshots, videos of failed/retried tests
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "test-results",
  fullyParallel: false,
  forbidOnly: isCI,
  retries: isCI ? 2 : 0,
  workers,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ["list"],
    ["html", { outputFolder: "playwright-report", open: "never" }],
    ["junit", { outputFile: "test-results/junit.xml" }],
    ["json", { outputFile: "test-results/results.json" }],
  ],
  use: {
    baseURL: env["E2E_BASE_URL"] || "http://127.0.0.1:4173",
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    video: env["E2E_VIDEO"] === "off" ? "off" : "retain-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  projects: [
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
  ],
});
