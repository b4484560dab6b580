#!/usr/bin/env bash
# Writes the SQL that takes the committed migrations to prisma/schema.prisma as a new migration:
#   bash scripts/new-migration.sh add_something
# Offline: the CLI goes through prisma/sqlite.config.ts (driver adapter + WebAssembly schema engine).
# With the dummy engine variables alone it can exit 0 with EMPTY output, so an empty diff is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: new-migration.sh NAME}
export PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_QUERY_ENGINE_LIBRARY=/bin/false
tmp=$(mktemp -d)
export DATABASE_URL="file:$tmp/diff.db"
dir=prisma/migrations/sqlite
if compgen -G "$dir/*/migration.sql" >/dev/null; then
  # The adapter-based CLI cannot diff from a database or from a migrations folder (it fails on the
  # shadow database), so diff from the schema as committed with the latest migration: commit each
  # migration together with the schema change that produced it.
  last=$(git log -1 --format=%H -- "$dir")
  git show "$last:prisma/schema.prisma" > "$tmp/from.prisma"
  from=(--from-schema-datamodel "$tmp/from.prisma")
else
  from=(--from-empty)
fi
npx prisma migrate diff --config prisma/sqlite.config.ts "${from[@]}" --to-schema-datamodel prisma/schema.prisma --script > "$tmp/out.sql"
if ! grep -q '[A-Za-z]' "$tmp/out.sql" || grep -q 'This is an empty migration' "$tmp/out.sql"; then
  echo "no schema change (or the diff came back empty): nothing written" >&2; exit 1
fi
target="$dir/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$target"; cp "$tmp/out.sql" "$target/migration.sql"
printf '# Written by scripts/new-migration.sh; the provider of this folder.\nprovider = "sqlite"\n' > "$dir/migration_lock.toml"
echo "wrote $target/migration.sql"
