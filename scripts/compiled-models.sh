#!/usr/bin/env bash
# Regenerates the compiled EF Core model of each provider (docs/decisions/0018-start-up-cost.md). Run it after
# changing an entity configuration, next to `dotnet ef migrations add`.
#   --check   regenerate into obj/ only and fail if the result differs from the committed model (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
[[ ${1:-} == --check ]] && check=true
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
  project=src/Latchkey.Storage.$provider
  fresh=$project/obj/CompiledModel.new
  rm -rf "$fresh"
  # Built without the committed model: a stale one may no longer compile after a model change. Written under obj/
  # first, so that a model file of a removed entity does not survive the swap.
  dotnet build "$project" -c Debug -p:WithoutCompiledModel=true --nologo -v quiet >/dev/null
  dotnet ef dbcontext optimize --no-build --project "$project" --startup-project "$project" \
    --output-dir "$(realpath -m "$fresh")" --namespace "Latchkey.Storage.$provider.CompiledModel" >/dev/null
  # The assembly attribute would make EF pick this model for any context of the type; the storage setup chooses it
  # explicitly instead (UseModel), so that the EF tools keep building the model from configuration.
  rm "$fresh/LatchkeyDbContextAssemblyAttributes.cs"
  if $check; then
    # The model id is a new GUID at every generation.
    diff -r -I "modelId: new Guid" "$project/CompiledModel" "$fresh" >&2 || {
      echo "$project/CompiledModel is not what the model generates: run 'bash scripts/compiled-models.sh'" >&2
      exit 1
    }
    rm -rf "$fresh"
  else
    rm -rf "$project/CompiledModel"
    mv "$fresh" "$project/CompiledModel"
  fi
done
# The next build of the providers compiles the model again (DefineConstants is part of the compile inputs).
