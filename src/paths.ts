// Where the project's files are: the same whether the code runs from src/ through tsx (tests, the
// console tools) or compiled into dist/src/ (npm start), so paths are found, not counted in "../".
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The checkout: the folder holding package.json, config/ and prisma/. */
export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
