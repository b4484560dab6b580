// Prisma CLI config for the PostgreSQL store (schema derived by scripts/prisma-generate.mjs).
// Like the SQLite one, `prisma migrate diff` runs offline only through a driver adapter.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: ".postgresql/schema.prisma",
  migrations: { path: "migrations/postgresql" },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres" });
  },
});
