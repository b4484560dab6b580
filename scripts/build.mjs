// Compiles the bot for `npm start`: src/main.ts (and the benchmark's probes) bundled by esbuild
// into dist/, node_modules left external. Running compiled code instead of through tsx saves the
// loader and its launcher process (30–70 MB, see README, Benchmark) and takes ~0.2 s, so start
// builds every time. Code splitting keeps the lazy imports lazy: the Lark SDK, docx, exceljs and
// pg are still only loaded when used.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist");
fs.rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/main.ts", "src/scheduler/pass-worker.ts", "bench/memory-probe.ts", "bench/startup-probe.ts"],
  outdir,
  outbase: ".",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
