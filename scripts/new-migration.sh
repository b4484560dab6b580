#!/usr/bin/env bash
# Writes the SQL that takes the committed migrations to prisma/schema.prisma, for both stores:
#   bash scripts/new-migration.sh add_something
# Offline: the CLI goes through prisma/sqlite.config.ts and prisma/postgresql.config.ts (driver
# adapters + the WebAssembly schema engine). The PostgreSQL diff needs a reachable server only
# for the adapter's connection (POSTGRES_URL, default the local one); no database is changed.
# With the dummy engine variables alone the CLI can exit 0 with EMPTY output: an empty diff is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: new-migration.sh NAME}
export PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_QUERY_ENGINE_LIBRARY=/bin/false
node scripts/prisma-generate.mjs
tmp=$(mktemp -d)
stamp=$(date -u +%Y%m%d%H%M%S)

# The adapter-based CLI cannot diff from a database or a migrations folder (it fails on the shadow
# database), so diff from the schema as committed with the latest migration: commit each migration
# together with the schema change that produced it.
last=$(git log -1 --format=%H -- prisma/migrations 2>/dev/null || true)
if [ -n "$last" ]; then git show "$last:prisma/schema.prisma" > "$tmp/from.prisma"; fi

for provider in sqlite postgresql; do
  dir=prisma/migrations/$provider
  if [ "$provider" = sqlite ]; then
    export DATABASE_URL="file:$tmp/diff.db"; to=prisma/schema.prisma; from_schema="$tmp/from.prisma"
  else
    export DATABASE_URL=${POSTGRES_URL:-postgresql://postgres:postgres@127.0.0.1:5432/postgres}; to=prisma/.postgresql/schema.prisma
    from_schema="$tmp/from-pg.prisma"
    [ -f "$tmp/from.prisma" ] && node -e 'const fs=require("fs");let s=fs.readFileSync(process.argv[1],"utf8").replace(/provider\s*=\s*"sqlite"/,"provider = \"postgresql\"");fs.writeFileSync(process.argv[2],s)' "$tmp/from.prisma" "$from_schema"
  fi
  if compgen -G "$dir/*/migration.sql" >/dev/null && [ -f "$from_schema" ]; then
    from=(--from-schema-datamodel "$from_schema")
  else
    from=(--from-empty)
  fi
  npx prisma migrate diff --config "prisma/$provider.config.ts" "${from[@]}" --to-schema-datamodel "$to" --script > "$tmp/$provider.sql"
  if ! grep -q '[A-Za-z]' "$tmp/$provider.sql" || grep -q 'This is an empty migration' "$tmp/$provider.sql"; then
    echo "$provider: no schema change (or the diff came back empty): nothing written" >&2; continue
  fi
  mkdir -p "$dir/${stamp}_$name"; cp "$tmp/$provider.sql" "$dir/${stamp}_$name/migration.sql"
  # The triggers that keep the figure summaries are not in the schema: a rebuilt "Record" or "Unit"
  # table loses them.
  for table in Record Unit; do
    if grep -q "DROP TABLE \"$table\"" "$tmp/$provider.sql"; then
      echo "$provider: this migration rebuilds \"$table\": append its triggers from 20261206210756_figure_summaries to it" >&2
    fi
  done
  printf '# Written by scripts/new-migration.sh; the provider of this folder.\nprovider = "%s"\n' "$provider" > "$dir/migration_lock.toml"
  echo "wrote $dir/${stamp}_$name/migration.sql"
done
