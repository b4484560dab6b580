import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    env: { TZ: "Asia/Shanghai", LOG_LEVEL: "silent" },
    // Some tests start real processes (npm run chat, npm run remind): generous on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each test file opens its own SQLite files; two workers match the machine's two cores.
    pool: "forks",
    maxWorkers: 2,
  },
});
