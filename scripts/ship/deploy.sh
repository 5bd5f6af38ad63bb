# The Kubernetes and compose files, rendered by their own tools and checked (sourced by scripts/ship-check.sh).

yaml_python() { # a python3 with PyYAML: pyenv's or Debian's (python3-yaml)
  local python
  for python in python3 /usr/bin/python3; do
    "$python" -c 'import yaml' 2>/dev/null && { echo "$python"; return; }
  done
  fail "no python3 with PyYAML (Debian: python3-yaml)"
}

kubernetes() {
  local python
  python=$(yaml_python)
  kubectl version --client
  kubectl kustomize "$clone/deploy/kubernetes/base" >"$work/kubernetes-base.yaml" || fail "the base does not render"
  kubectl kustomize "$clone/deploy/kubernetes/overlays/postgresql" >"$work/kubernetes-postgresql.yaml" || fail "the overlay does not render"
  "$python" "$clone/scripts/ship/deploy.py" kubernetes "$work/kubernetes-base.yaml" "$work/kubernetes-postgresql.yaml"
}

# Rendered with the values an operator exports; the settings of migrate and latchkey are kept for container_on_postgres.
compose_config() {
  local python
  python=$(yaml_python)
  ! docker-compose -f "$clone/deploy/compose.yaml" config -q 2>/dev/null || fail "the file runs without a master key"
  LATCHKEY_MASTER_KEY=$(head -c 32 /dev/urandom | base64) POSTGRES_PASSWORD=latchkey \
    docker-compose -f "$clone/deploy/compose.yaml" config >"$work/compose.yaml" || fail "docker-compose config refused the file"
  mkdir -p "$work/compose"
  "$python" "$clone/scripts/ship/deploy.py" compose "$work/compose.yaml" "$work/compose"
}
