# The container image, offline (sourced by scripts/ship-check.sh). PublishContainer pulls its base from a registry, and
# this machine reaches none: a registry on loopback (Debian's docker-registry) serves a base made here from Debian's
# packages with what the chiseled runtime-deps "extra" image holds for a self-contained .NET app (glibc, libstdc++,
# OpenSSL, ICU, zlib, time zones, CA certificates, the user app = 1654), under the name and tag PublishContainer
# would take from mcr.microsoft.com. Podman runs the image (runc, cgroupfs, host network: what works here).

podman_() { podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay "$@"; }

# This sandbox lets no process raise a hard limit, and Podman's default limits are above the machine's.
container_limits=(--ulimit "nofile=$(ulimit -n):$(ulimit -n)" --ulimit "nproc=4096:4096")

container_base() {
  local base="$work/base" package name
  mkdir -p "$base/debs" "$base/rootfs"
  grep -q 'Candidate: [0-9]' <<<"$(apt-cache policy libc6)" || apt-get update -qq
  for name in libicu libssl3; do # the versioned names of this Debian release (libicu72, libssl3 or libssl3t64)
    package=$(apt-cache pkgnames "$name" | grep -E "^$name([0-9]+|t64)?\$" | sort -V | tail -1)
    [[ -n $package ]] || fail "no $name package"
    set -- "$@" "$package"
  done
  (cd "$base/debs" && apt-get download -q libc6 libgcc-s1 libstdc++6 zlib1g tzdata ca-certificates "$@") || fail "apt-get download failed"
  for package in "$base"/debs/*.deb; do dpkg-deb -x "$package" "$base/rootfs"; done
  (
    cd "$base/rootfs" || exit 1
    rm -rf usr/share/doc usr/share/man usr/share/info usr/share/lintian usr/share/locale usr/lib/*/gconv usr/bin usr/sbin sbin bin
    mkdir -p etc/ssl/certs tmp home/app
    chmod 1777 tmp
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654:app:/home/app:/usr/sbin/nologin\n' >etc/passwd
    printf 'root:x:0:\napp:x:1654:\n' >etc/group
    chown 1654:1654 home/app
    cp /etc/ssl/certs/ca-certificates.crt etc/ssl/certs/ 2>/dev/null || true
  )
  tar -C "$base/rootfs" --numeric-owner -cf "$base/rootfs.tar" .
  podman_ import --change 'ENV APP_UID=1654' --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
    --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' --change 'USER 1654' "$base/rootfs.tar" "$base_image" >/dev/null
  podman_ push --tls-verify=false "$base_image"
}

container_image() {
  local registry_port deadline
  registry_port=$(free_port)
  mkdir -p "$work/registry"
  cat >"$work/registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry/store
http:
  addr: 127.0.0.1:$registry_port
YAML
  start "$work/registry.log" docker-registry serve "$work/registry/config.yml"
  deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null "http://127.0.0.1:$registry_port/v2/"; do
    ((SECONDS < deadline)) || fail "the registry did not start: $(cat "$work/registry.log")"
    sleep 0.2
  done
  base_image="127.0.0.1:$registry_port/dotnet/runtime-deps:10.0-noble-chiseled-extra"
  container_base
  version=$(cat "$work/version")
  cd "$clone"
  local started_at=$SECONDS
  DOTNET_CONTAINER_INSECURE_REGISTRIES="127.0.0.1:$registry_port" dotnet publish src/Latchkey.Server -c Release \
    -r linux-x64 --self-contained -t:PublishContainer -p:ContainerBaseImage="$base_image" \
    -p:ContainerImageTag="$version" -p:ContainerArchiveOutputPath="$work/image/latchkey.tar.gz" --nologo -v quiet ||
    fail "PublishContainer failed"
  echo "PublishContainer: $((SECONDS - started_at)) s, archive $(du -h "$work/image/latchkey.tar.gz" | cut -f1)"
  podman_ load -i "$work/image/latchkey.tar.gz"
  image="latchkey:$version"
  local config
  config=$(podman_ image inspect "$image" --format '{{.Config.User}}|{{.Config.Entrypoint}}|{{.Config.WorkingDir}}|{{.Config.ExposedPorts}}|{{.Config.Env}}')
  echo "$config"
  [[ $config == '1654|[/app/latchkey]|/app/|map[8080/tcp:{}]|'*LATCHKEY_DATA_DIR=/data* ]] || fail "the image's configuration: $config"
  echo "image size: $(podman_ image inspect "$image" --format '{{.Size}}') bytes"
}

# container_start <name> <port> <data-dir> [podman run options…]: a detached container, ready on <port>.
container_start() {
  local name=$1 port=$2 data=$3 deadline
  shift 3
  podman_ run -d --name "$name" --runtime runc --cgroup-manager=cgroupfs --network host "${container_limits[@]}" \
    -e "ASPNETCORE_HTTP_PORTS=$port" -v "$data:/data" --health-cmd '["/app/latchkey","health"]' --health-interval=0 \
    "$@" "$image" >/dev/null || fail "podman run failed"
  deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    [[ $(podman_ inspect "$name" --format '{{.State.Running}}') == true ]] || fail "the container stopped: $(podman_ logs "$name" 2>&1 | tail -20)"
    ((SECONDS < deadline)) || fail "not ready within 90 s: $(podman_ logs "$name" 2>&1 | tail -20)"
    sleep 1
  done
}

# The data directory the image expects, as an operator provides it: a folder owned by the image's user (1654).
container_data() { mkdir -p "$1" && chown 1654:1654 "$1" && chmod 0700 "$1"; }

container_run() {
  image="latchkey:$(cat "$work/version")"
  podman_ image exists "$image" || fail "no image $image"
  local data="$work/container-data" port pid started_at=$SECONDS
  port=$(free_port)
  container_data "$data"
  container_start latchkey-ship "$port" "$data"
  echo "started and ready in $((SECONDS - started_at)) s"
  podman_ healthcheck run latchkey-ship || fail "the health check (latchkey health) failed"
  pid=$(podman_ inspect latchkey-ship --format '{{.State.Pid}}')
  [[ $(awk '/^Uid:/ {print $2}' "/proc/$pid/status") == 1654 ]] || fail "the server does not run as 1654"
  bash "$clone/scripts/smoke.sh" "http://127.0.0.1:$port" "$data"
  authorized "http://127.0.0.1:$port" "$data"
  podman_ stop -t 30 latchkey-ship >/dev/null
  [[ $(podman_ inspect latchkey-ship --format '{{.State.ExitCode}}') == 0 ]] || fail "SIGTERM did not end it cleanly"
  podman_ logs latchkey-ship >"$work/container.log" 2>&1
  private "$data"
  [[ -z $(find "$data" ! -uid 1654) ]] || fail "files not owned by 1654: $(find "$data" ! -uid 1654)"
  no_secret "$work/container.log" "$(json "$data/bootstrap.json" "['apiKey']")" "$(cat "$data/master.key")" "$session" "$code" "correct horse battery"
  echo "container check: $((SECONDS - started_at)) s"
}

# The compose file's settings for migrate and latchkey (rendered by compose_config), on the test PostgreSQL instead
# of the compose one (host networking: 127.0.0.1 and its port), each in a new database.
container_on_postgres() {
  image="latchkey:$(cat "$work/version")"
  podman_ image exists "$image" && [[ -f $work/compose/latchkey.env ]] || fail "no image or no rendered compose settings"
  [[ -n ${LATCHKEY_TEST_POSTGRES:-} ]] || fail "LATCHKEY_TEST_POSTGRES is not set (scripts/postgres.sh)"
  local pg_port database="ship_$RANDOM$RANDOM" data="$work/container-pg-data" port name
  pg_port=$(grep -oP 'Port=\K[0-9]+' <<<"$LATCHKEY_TEST_POSTGRES")
  PGPASSWORD=latchkey psql -h 127.0.0.1 -p "$pg_port" -U latchkey -d latchkey -qc "CREATE DATABASE $database" || fail "no database"
  for name in migrate latchkey; do
    sed -e "s/Host=postgres;/Host=127.0.0.1;Port=$pg_port;/" -e "s/Password=[^;]*;/Password=latchkey;/" \
      -e "s/Database=latchkey/Database=$database/" "$work/compose/$name.env" >"$work/compose/$name.local.env"
  done
  container_data "$data"
  mapfile -t command <"$work/compose/migrate.args"
  podman_ run --rm --runtime runc --cgroup-manager=cgroupfs --network host "${container_limits[@]}" \
    --env-file "$work/compose/migrate.local.env" -v "$data:/data" "$image" "${command[@]}" || fail "migrate failed"
  [[ -f $data/bootstrap.json ]] || fail "migrate made no first site"
  port=$(free_port)
  container_start latchkey-ship-pg "$port" "$data" --env-file "$work/compose/latchkey.local.env"
  grep -q "storage: PostgreSql" <(podman_ logs latchkey-ship-pg 2>&1) || fail "not on PostgreSQL"
  podman_ healthcheck run latchkey-ship-pg || fail "the health check failed"
  bash "$clone/scripts/smoke.sh" "http://127.0.0.1:$port" "$data"
  podman_ stop -t 30 latchkey-ship-pg >/dev/null
  [[ ! -e $data/latchkey.db ]] || fail "an SQLite file appeared"
  PGPASSWORD=latchkey psql -h 127.0.0.1 -p "$pg_port" -U latchkey -d latchkey -qc "DROP DATABASE $database WITH (FORCE)"
}
