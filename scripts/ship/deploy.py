"""What the deployment files must say, checked on what the tools render (scripts/ship/deploy.sh).

    deploy.py kubernetes <base.yaml> <postgresql.yaml>   kubectl kustomize output of the base and the overlay
    deploy.py compose <rendered.yaml> <env-dir>          docker-compose config output; writes <env-dir>/<service>.env
                                                         and <service>.args for the container check to run them

Exit 0 when every rule holds; each broken rule is printed.
"""
import sys

import yaml

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)
    return condition


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


def latchkey_pod(docs, kind, name):
    found = [d for d in docs if d and d["kind"] == kind and d["metadata"]["name"] == name]
    if not expect(len(found) == 1, f"one {kind} {name}, found {len(found)}"):
        return None, None
    spec = found[0]["spec"]["template"]["spec"]
    return found[0], spec


def check_pod(docs, kind, name, secrets):
    workload, spec = latchkey_pod(docs, kind, name)
    if not spec:
        return None
    pod = spec.get("securityContext", {})
    expect(pod.get("runAsNonRoot") is True and pod.get("runAsUser") == 1654, f"{name}: runs as 1654, non-root")
    container = spec["containers"][0]
    expect(container["image"].startswith("latchkey"), f"{name}: the latchkey image")
    expect(container.get("securityContext", {}).get("allowPrivilegeEscalation") is False, f"{name}: no privilege escalation")
    env = env_of(container)
    expect(env.get("LATCHKEY_DATA_DIR", {}).get("value", "").startswith("/data/"), f"{name}: the data directory inside the /data volume")
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    expect("/data" in mounts, f"{name}: a volume on /data")
    for variable, entry in env.items():
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            expect(ref["key"] in secrets.get(ref["name"], {}), f"{name}: {variable} names {ref['name']}/{ref['key']}, which the render has")
    expect("secretKeyRef" in env.get("Latchkey__MasterKey", {}).get("valueFrom", {}), f"{name}: the master key from a Secret")
    return workload, spec, container, env


def secrets_of(docs):
    return {d["metadata"]["name"]: {**d.get("stringData", {}), **d.get("data", {})} for d in docs if d and d["kind"] == "Secret"}


def kubernetes(base_path, overlay_path):
    for label, path in (("base", base_path), ("postgresql", overlay_path)):
        docs = list(yaml.safe_load_all(open(path)))
        secrets = secrets_of(docs)
        kinds = sorted(d["kind"] for d in docs if d)
        checked = check_pod(docs, "Deployment", "latchkey", secrets)
        if not checked:
            continue
        deployment, spec, container, env = checked
        expect(container["readinessProbe"]["httpGet"]["path"] == "/health/ready", f"{label}: readiness on /health/ready")
        expect(container["livenessProbe"]["httpGet"]["path"] == "/health/live", f"{label}: liveness on /health/live")
        expect(any(p["containerPort"] == 8080 for p in container["ports"]), f"{label}: port 8080")
        services = [d for d in docs if d and d["kind"] == "Service" and d["metadata"]["name"] == "latchkey"]
        expect(len(services) == 1 and services[0]["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items(),
               f"{label}: the Service selects the pods")
        volumes = {v["name"]: v for v in spec["volumes"]}
        if label == "base":
            expect(deployment["spec"]["replicas"] == 1 and deployment["spec"]["strategy"]["type"] == "Recreate", "base: one SQLite pod at a time")
            claim = volumes["data"].get("persistentVolumeClaim", {}).get("claimName")
            expect(any(d and d["kind"] == "PersistentVolumeClaim" and d["metadata"]["name"] == claim for d in docs), "base: the data claim exists")
        else:
            expect(env.get("Latchkey__Storage__Provider", {}).get("value") == "PostgreSql", "postgresql: the PostgreSql provider")
            expect(deployment["spec"]["replicas"] >= 2, "postgresql: several pods")
            expect("PersistentVolumeClaim" not in kinds, "postgresql: no SQLite volume left")
            job = check_pod(docs, "Job", "latchkey-migrate", secrets)
            if job:
                expect(job[2].get("args") == ["migrate"], "postgresql: the Job runs latchkey migrate")
                expect({k: v for k, v in job[3].items()} == env, "postgresql: the Job has the pods' settings")
            expect(any(d and d["kind"] == "StatefulSet" for d in docs), "postgresql: a PostgreSQL StatefulSet")
        print(f"{label}: {', '.join(kinds)}")


def compose(path, out):
    rendered = yaml.safe_load(open(path))
    services = rendered["services"]
    for name in ("postgres", "data-owner", "migrate", "latchkey"):
        expect(name in services, f"a {name} service")
    if problems:
        return
    latchkey, migrate = services["latchkey"], services["migrate"]
    expect(latchkey["image"] == migrate["image"], "migrate and latchkey run one image")
    expect(latchkey["environment"] == migrate["environment"], "migrate and latchkey share their settings")
    expect(migrate.get("command") == ["migrate"], "migrate runs latchkey migrate")
    env = latchkey["environment"]
    expect(env.get("Latchkey__Storage__Provider") == "PostgreSql", "the PostgreSql provider")
    expect("Host=postgres;" in env.get("Latchkey__Storage__ConnectionString", ""), "the connection string names the postgres service")
    expect(latchkey["depends_on"]["migrate"]["condition"] == "service_completed_successfully", "latchkey starts after migrate")
    expect(migrate["depends_on"]["postgres"]["condition"] == "service_healthy", "migrate waits for PostgreSQL")
    expect(latchkey["healthcheck"]["test"] == ["CMD", "/app/latchkey", "health"], "the health check is latchkey health")
    data = [v for v in latchkey.get("volumes", []) if str(v).split(":")[1:2] == ["/data"] or (isinstance(v, dict) and v.get("target") == "/data")]
    expect(len(data) == 1, "a volume on /data")
    expect(any(str(v).startswith("latchkey-data:/data") for v in services["data-owner"]["volumes"]), "data-owner prepares that volume")
    for name in ("migrate", "latchkey"):
        with open(f"{out}/{name}.env", "w") as f:
            for key, value in services[name]["environment"].items():
                f.write(f"{key}={value}\n")
        with open(f"{out}/{name}.args", "w") as f:
            f.write("\n".join(services[name].get("command") or []))
    print("compose:", ", ".join(sorted(services)))


if __name__ == "__main__":
    {"kubernetes": kubernetes, "compose": compose}[sys.argv[1]](*sys.argv[2:])
    for problem in problems:
        print("FAIL:", problem)
    sys.exit(1 if problems else 0)
