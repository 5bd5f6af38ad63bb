#!/usr/bin/env bash
# The long fuzz run (issue #10.1, docs/reliability.md): the CI fuzz suite (FuzzTests, 2,000 requests) with 100,000
# hostile requests against the in-process server, in Release. Prints the summary and writes it to the report file.
#
#   bash scripts/fuzz-long.sh [requests]          (default 100000)
#   LATCHKEY_FUZZ_SEED=<CsCheck seed>  replays a failing run (the failure message prints the seed)
#   LATCHKEY_FUZZ_REPORT=<file>        where the summary goes (default artifacts/fuzz-long.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-100000}
report=${LATCHKEY_FUZZ_REPORT:-$(pwd)/artifacts/fuzz-long.txt}
mkdir -p "$(dirname "$report")"

dotnet build tests/Latchkey.Server.Tests -c Release --nologo -v quiet
start=$(date +%s)
status=0
LATCHKEY_FUZZ_REQUESTS=$requests LATCHKEY_FUZZ_REPORT=$report \
  dotnet test tests/Latchkey.Server.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Fuzzing.FuzzTests.Hostile_requests_get_a_documented_4xx_and_leave_the_database_unchanged" || status=$?
echo "elapsed: $(( $(date +%s) - start )) s" >>"$report"
cat "$report"
exit $status
