// Prisma CLI config for the SQLite store. `prisma migrate diff` runs offline only through a driver
// adapter (the WebAssembly schema engine); without one the CLI tries to download its engines.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  migrations: { path: "migrations/sqlite" },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./data/bot.db" });
  },
});
