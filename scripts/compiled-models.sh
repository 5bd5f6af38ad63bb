#!/usr/bin/env bash
# Regenerates the compiled EF Core model of each provider (docs/decisions/0018-start-up-cost.md). Run it after
# changing an entity configuration, next to `dotnet ef migrations add`; the storage tests fail until it has been run.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
  project=src/Latchkey.Storage.$provider
  # Written under obj/ first: the project must still build with the current model while the tool runs, and a
  # model file of a removed entity must not survive the swap.
  fresh=$project/obj/CompiledModel.new
  rm -rf "$fresh"
  dotnet ef dbcontext optimize --project "$project" --startup-project "$project" \
    --output-dir "$(realpath -m "$fresh")" --namespace "Latchkey.Storage.$provider.CompiledModel"
  # The assembly attribute would make EF pick this model for any context of the type; the storage setup chooses it
  # explicitly instead (UseModel), so that the EF tools keep building the model from configuration.
  rm "$fresh/LatchkeyDbContextAssemblyAttributes.cs"
  rm -rf "$project/CompiledModel"
  mv "$fresh" "$project/CompiledModel"
done
