"""Runs the example GitHub Actions workflows (examples/github-actions/) on this
machine, against fake-gcs-server, to prove that the commands and flags they
contain work with this decant.

Every `run:` step runs as written, in order, with bash -eo pipefail (as GitHub
does), with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH and the GITHUB_*
variables set. What only GitHub has is stood in for, and said so in the log:
  - `uses:` actions: checkout (the work tree is already there; decant's source
    is a link to this repository), setup-swift, cache and auth (nothing to do:
    fake-gcs-server needs no credentials), upload-artifact and
    download-artifact (a local folder per run);
  - the step with id `build`: decant is this repository's own build, put on PATH;
  - `gh`: a stand-in on PATH (fake_gh below) that keeps issues and comments in
    a JSON file and serves the few REST calls the workflows make, their `--jq`
    through jq; comments it posts are the bot's, and a test can post as a person.

Flags of the `prflow` branch (`plan --max-bytes`, the marker first line,
`apply --expect-sha256`, `promotion:`) are looked up in `decant … --help`.
Without them, the runner says which steps it shims (removes the flag, writes
the marker line) and skips the checks that need them; it never fails for
their absence.

Usage: workflow_runner.py DECANT_BINARY REPO_ROOT FAKE_GCS_URL WORKDIR
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import uuid

import yaml

DECANT, REPO, FAKE_GCS, WORK = (os.path.abspath(a) if i != 2 else a for i, a in enumerate(sys.argv[1:5]))
WORKFLOWS = os.path.join(REPO, "examples", "github-actions")
GITHUB_REPOSITORY = "example/data-platform"
FAILURES = []


def log(message):
    print(f"workflows: {message}", file=sys.stderr, flush=True)


def check(condition, message):
    if condition:
        log(f"ok: {message}")
    else:
        log(f"FAILED: {message}")
        FAILURES.append(message)


def help_text(*command):
    return subprocess.run([DECANT, *command, "--help"], capture_output=True, text=True).stdout


PLAN_HELP, APPLY_HELP = help_text("plan"), help_text("apply")
HAS_MAX_BYTES = "--max-bytes" in PLAN_HELP
HAS_EXPECT_SHA = "--expect-sha256" in APPLY_HELP
HAS_PROMOTION = "--ignore-promotion" in APPLY_HELP
PRFLOW = HAS_MAX_BYTES and HAS_EXPECT_SHA and HAS_PROMOTION
if not PRFLOW:
    log("this decant lacks the prflow flags ("
        + ", ".join(n for n, has in [("plan --max-bytes", HAS_MAX_BYTES), ("apply --expect-sha256", HAS_EXPECT_SHA),
                                     ("promotion", HAS_PROMOTION)] if not has)
        + "): the steps that use them are shimmed and the checks that need them skipped")


# ---------------------------------------------------------------- expressions

TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!()\[\],.])|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))")


class Expr:
    """A GitHub Actions expression: literals, context paths, index, ==, !=, &&,
    ||, !, parentheses and the functions the workflows call."""

    def __init__(self, text, context):
        self.tokens, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot read expression {text!r} at {pos}")
            kind = m.lastgroup
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i, self.context = 0, context

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def value(self):
        v = self.or_()
        if self.i != len(self.tokens):
            raise ValueError(f"junk in expression: {self.tokens[self.i:]}")
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            rhs = self.and_()
            v = v if truthy(v) else rhs
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            rhs = self.cmp()
            v = rhs if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek()[1] in ("==", "!="):
            op = self.take()[1]
            rhs = self.unary()
            eq = str(v if v is not None else "") == str(rhs if rhs is not None else "")
            v = eq if op == "==" else not eq
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self):
        kind, tok = self.take()
        if kind == "str":
            return tok[1:-1].replace("''", "'")
        if kind == "num":
            return tok
        if tok == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise ValueError(f"unexpected {tok!r}")
        if self.peek()[1] == "(":
            self.take()
            args = []
            while self.peek()[1] != ")":
                args.append(self.or_())
                if self.peek()[1] == ",":
                    self.take()
            self.take(")")
            return self.call(tok, args)
        v = self.context.get(tok)
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            v = v.get(key) if isinstance(v, dict) else None
        return v

    def call(self, name, args):
        status = self.context.get("job_status", "success")
        if name == "success":
            return status == "success"
        if name == "failure":
            return status == "failure"
        if name in ("always",):
            return True
        if name == "cancelled":
            return False
        if name == "format":
            return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m.group(1)) + 1]), args[0])
        if name == "hashFiles":
            return "local"
        raise ValueError(f"unknown function {name}")


def truthy(v):
    return v not in (None, False, "", 0, "0") if not isinstance(v, str) else v != ""


def evaluate(text, context):
    """`${{ … }}` inside a string, each replaced by its value."""
    if not isinstance(text, str):
        return text
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: stringify(Expr(m.group(1), context).value()), text)


def condition(text, context):
    if text is None:
        return context.get("job_status", "success") == "success"
    text = str(text).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    v = Expr(text, context).value()
    uses_status = re.search(r"\b(success|failure|always|cancelled)\(", text)
    if not uses_status and context.get("job_status", "success") != "success":
        return False
    return truthy(v)


def stringify(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


# ---------------------------------------------------------------- the runner

class Run:
    def __init__(self, event_name, event, run_id, sha, inputs=None, only_envs=None):
        self.event_name, self.event, self.run_id, self.sha = event_name, event, run_id, sha
        self.inputs, self.only_envs = inputs or {}, only_envs
        self.results = {}  # job name → (result, summary text, step outcomes)

    def github(self):
        return {"event_name": self.event_name, "event": self.event, "repository": GITHUB_REPOSITORY,
                "run_id": str(self.run_id), "sha": self.sha, "server_url": "https://github.example",
                "token": "local-token-not-a-secret", "ref": "refs/heads/main"}

    def workflow(self, name):
        path = os.path.join(WORKFLOWS, name)
        with open(path) as f:
            return yaml.safe_load(f)

    def run_workflow(self, name, inputs=None, prefix=""):
        wf = self.workflow(name)
        jobs = wf["jobs"]
        done = {}
        order = []
        while len(order) < len(jobs):
            for job_name, job in jobs.items():
                needs = job.get("needs", [])
                needs = [needs] if isinstance(needs, str) else needs
                if job_name not in order and all(n in order for n in needs):
                    order.append(job_name)
        for job_name in order:
            job = jobs[job_name]
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            context = {"github": self.github(), "inputs": inputs if inputs is not None else self.inputs,
                       "needs": {n: {"result": done[n]} for n in needs}, "vars": {}, "secrets": {},
                       "runner": {"os": "Linux"}, "env": dict(wf.get("env") or {})}
            if "if" in job and not condition(job["if"], dict(context, job_status="success")):
                log(f"{prefix}{job_name}: skipped (if: {job['if']})")
                done[job_name] = "skipped"
                continue
            if "uses" in job:
                called = os.path.basename(job["uses"])
                with_ = {k: evaluate(v, context) for k, v in (job.get("with") or {}).items()}
                called_wf = self.workflow(called)
                for key, spec in (called_wf.get("on") or called_wf[True])["workflow_call"]["inputs"].items():  # YAML 1.1: `on` is True
                    with_.setdefault(key, spec.get("default"))
                    if spec.get("type") == "number":
                        with_[key] = int(with_[key] or 0)
                results = self.run_workflow(called, inputs=with_, prefix=f"{prefix}{job_name}/")
                result = "failure" if "failure" in results.values() else "success"
            else:
                result = self.run_job(job_name, job, wf, context, prefix)
            done[job_name] = result
        return done

    def run_job(self, job_name, job, wf, context, prefix):
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        combos = [{}]
        for key, values in matrix.items():
            combos = [dict(c, **{key: v}) for c in combos for v in values]
        overall = "success"
        for combo in combos:
            if self.only_envs and combo.get("env") and combo["env"] not in self.only_envs:
                continue
            label = f"{prefix}{job_name}" + (f" ({combo['env']})" if combo else "")
            ctx = dict(context, matrix=combo, steps={})
            result = self.run_steps(label, job, wf, ctx)
            if result == "failure":
                overall = "failure"
        return overall

    def run_steps(self, label, job, wf, ctx):
        jobdir = os.path.join(WORK, "runs", str(self.run_id), re.sub(r"[^A-Za-z0-9_.-]+", "_", label))
        os.makedirs(jobdir, exist_ok=True)
        summary = os.path.join(jobdir, "summary.md")
        open(summary, "w").close()
        path_file = os.path.join(jobdir, "path")
        open(path_file, "w").close()
        # Each job starts from a fresh checkout, as on GitHub: nothing left by an earlier job.
        self.ws = os.path.join(jobdir, "workspace")
        shutil.copytree(os.path.join(WORK, "plans"), os.path.join(self.ws, "plans"))
        env = {k: evaluate(v, ctx) for k, v in (wf.get("env") or {}).items()}
        ctx["env"] = env
        status = "success"
        outcomes = {}
        for index, step in enumerate(job["steps"]):
            sid = step.get("id", f"step{index}")
            name = step.get("name") or step.get("uses") or sid
            ctx["job_status"] = status
            if not condition(step.get("if"), ctx):
                log(f"{label}: skip `{name}`")
                outcomes[sid] = "skipped"
                continue
            ok, outputs = self.step(label, step, sid, ctx, env, jobdir, summary, path_file)
            ctx["steps"][sid] = {"outputs": outputs, "outcome": "success" if ok else "failure"}
            outcomes[sid] = "success" if ok else "failure"
            if not ok:
                status = "failure"
        with open(summary) as f:
            self.results[label] = (status, f.read(), outcomes)
        log(f"{label}: {status}")
        return status

    def step(self, label, step, sid, ctx, job_env, jobdir, summary, path_file):
        step_env = {k: evaluate(v, ctx) for k, v in (step.get("env") or {}).items()}
        if "uses" in step:
            return self.action(label, step, ctx), {}
        if sid == "build":
            log(f"{label}: stand-in for `{step.get('name')}`: this repository's build of decant on PATH")
            with open(path_file, "a") as f:
                f.write(os.path.dirname(DECANT) + "\n")
            return True, {}
        script = step["run"]
        if not HAS_MAX_BYTES and "--max-bytes" in script:
            log(f"{label}: shim (needs prflow): `--max-bytes` removed from `{step.get('name')}`")
            script = re.sub(r' --max-bytes "\$[A-Z_]+"', "", script)
        if not HAS_EXPECT_SHA and "--expect-sha256" in script:
            log(f"{label}: shim (needs prflow): `--expect-sha256` removed from `{step.get('name')}`")
            script = re.sub(r' --expect-sha256 "\$[A-Z0-9_]+"', "", script)
        script = evaluate(script, ctx)
        output_file = os.path.join(jobdir, f"output-{sid}")
        open(output_file, "w").close()
        with open(path_file) as f:
            extra_path = [line.strip() for line in f if line.strip()]
        env = dict(os.environ)
        env.update({"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_REPOSITORY": GITHUB_REPOSITORY,
                    "GITHUB_RUN_ID": str(self.run_id), "GITHUB_SHA": self.sha, "GITHUB_EVENT_NAME": self.event_name,
                    "GITHUB_SERVER_URL": "https://github.example", "GITHUB_WORKSPACE": self.ws,
                    "GITHUB_OUTPUT": output_file, "GITHUB_STEP_SUMMARY": summary, "GITHUB_PATH": path_file,
                    "PATH": os.pathsep.join(list(reversed(extra_path)) + [os.path.join(WORK, "bin"), os.environ["PATH"]])})
        env.update(job_env)
        env.update(step_env)
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=self.ws, env=env,
                                capture_output=True, text=True)
        if result.returncode != 0 or os.environ.get("WORKFLOWS_VERBOSE"):
            for line in (result.stdout + result.stderr).splitlines()[-15:]:
                log(f"{label}:   | {line}")
        outputs = {}
        with open(output_file) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    outputs[k] = v
        if sid == "plan" and not HAS_MAX_BYTES:
            # prflow makes the marker the Markdown's first line; until then the shim writes it.
            md = os.path.join(self.ws, f"plan-{step_env.get('ENV')}.md")
            if os.path.exists(md):
                with open(md) as f:
                    text = f.read()
                with open(md, "w") as f:
                    f.write(f"<!-- decant plan: {step_env.get('ENV')} -->\n" + text)
                log(f"{label}: shim (needs prflow): marker line written above plan-{step_env.get('ENV')}.md")
        log(f"{label}: `{step.get('name', sid)}` exit {result.returncode}")
        return result.returncode == 0, outputs

    def action(self, label, step, ctx):
        uses = step["uses"].split("@")[0]
        with_ = {k: evaluate(v, ctx) for k, v in (step.get("with") or {}).items()}
        if uses == "actions/checkout":
            if "repository" in with_:
                link = os.path.join(self.ws, with_.get("path", "."))
                if not os.path.exists(link):
                    os.symlink(REPO, link)
            log(f"{label}: stand-in for {uses}")
            return True
        if uses in ("swift-actions/setup-swift", "actions/cache", "google-github-actions/auth"):
            log(f"{label}: stand-in for {uses}: nothing to do here")
            return True
        if uses == "actions/upload-artifact":
            dest = os.path.join(WORK, "artifacts", str(self.run_id), with_["name"])
            os.makedirs(dest, exist_ok=True)
            for p in with_["path"].split("\n"):
                if p.strip():
                    shutil.copy(os.path.join(self.ws, p.strip()), dest)
            log(f"{label}: stand-in for {uses}: {with_['name']} of run {self.run_id}")
            return True
        if uses == "actions/download-artifact":
            src = os.path.join(WORK, "artifacts", str(with_.get("run-id") or self.run_id), with_["name"])
            if not os.path.isdir(src):
                log(f"{label}: no artifact {with_['name']} in run {with_.get('run-id')}")
                return False
            for f in os.listdir(src):
                shutil.copy(os.path.join(src, f), self.ws)
            log(f"{label}: stand-in for {uses}: {with_['name']} of run {with_.get('run-id')}")
            return True
        log(f"{label}: no stand-in for {uses}")
        return False


# ---------------------------------------------------------------- fake gh

FAKE_GH = r'''#!/usr/bin/env python3
"""A stand-in for `gh api`: issues and comments in a JSON file ($FAKE_GH_DB)."""
import json, os, subprocess, sys
db_path = os.environ["FAKE_GH_DB"]
db = json.load(open(db_path)) if os.path.exists(db_path) else {"comments": [], "issues": [], "pulls": {}, "next": 1}
args = sys.argv[1:]
if not args or args[0] != "api":
    sys.exit(f"fake gh: only `gh api` is stood in for, got {args}")
args = args[1:]
method, fields, jq, path = "GET", {}, None, None
while args:
    a = args.pop(0)
    if a == "--method": method = args.pop(0)
    elif a == "--paginate": pass
    elif a == "--jq": jq = args.pop(0)
    elif a in ("-F", "-f"):
        k, v = args.pop(0).split("=", 1)
        if a == "-F" and v.startswith("@"): v = open(v[1:]).read()
        fields[k] = v
    else: path = a
user = os.environ.get("FAKE_GH_USER", "github-actions[bot]")
parts = path.split("?")[0].split("/")
def new_id():
    db["next"] += 1
    return db["next"]
if method == "GET" and parts[3:4] == ["commits"] and parts[5:] == ["pulls"]:
    out = [{"number": n} for n in db["pulls"].get(parts[4], [])]
elif method == "GET" and parts[3:4] == ["issues"] and parts[5:] == ["comments"]:
    out = [c for c in db["comments"] if c["issue"] == int(parts[4])]
elif method == "POST" and parts[3:4] == ["issues"] and parts[5:] == ["comments"]:
    out = {"id": new_id(), "issue": int(parts[4]), "user": {"login": user}, "body": fields["body"], "updates": 0}
    db["comments"].append(out)
elif parts[3:5] == ["issues", "comments"]:
    out = next(c for c in db["comments"] if c["id"] == int(parts[5]))
    if method == "PATCH":
        out["body"] = fields["body"]; out["updates"] += 1
elif method == "GET" and parts[3:] == ["issues"]:
    out = [i for i in db["issues"] if i["state"] == "open"]
elif method == "POST" and parts[3:] == ["issues"]:
    out = {"number": new_id(), "title": fields["title"], "body": fields["body"], "state": "open", "user": {"login": user}, "updates": 0}
    db["issues"].append(out)
elif method == "PATCH" and parts[3:4] == ["issues"]:
    out = next(i for i in db["issues"] if i["number"] == int(parts[4]))
    out["body"] = fields["body"]; out["updates"] += 1
else:
    sys.exit(f"fake gh: no stand-in for {method} {path}")
json.dump(db, open(db_path, "w"), indent=1)
text = json.dumps(out)
if jq:
    sys.stdout.write(subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True, check=True).stdout)
else:
    print(text)
'''


def gh_db():
    path = os.path.join(WORK, "github.json")
    return json.load(open(path)) if os.path.exists(path) else {"comments": [], "issues": [], "pulls": {}, "next": 1}


def save_gh_db(db):
    json.dump(db, open(os.path.join(WORK, "github.json"), "w"), indent=1)


# ---------------------------------------------------------------- the data platform

SUFFIX = uuid.uuid4().hex[:8]


def plan_files():
    promotion = "promotion:\n  prod: { from: stg, soak: 7d }\n" if HAS_PROMOTION else ""
    return f"""decant: 1
environments:
  dev:  {{ project: test }}
  stg:  {{ project: test }}
  prod: {{ project: test }}
storage: {{ provider: gcs, project: "${{project}}", endpoint: "{FAKE_GCS}", emulator: fake-gcs-server }}
state: {{ backend: gcs, bucket: "state-{SUFFIX}", prefix: "ci" }}
{promotion}buckets:
  archive:
    name: "archive-{SUFFIX}-${{env}}"
migrations:
  historization:
    phase: 1
    description: "BigQuery \\"archives\\" [partitions]"
    source: "data-{SUFFIX}-${{env}}/historization/"
    target: "archive/archives/"
"""


def gcs(method, path, body=None):
    req = urllib.request.Request(FAKE_GCS + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def objects(bucket, prefix):
    try:
        listing = gcs("GET", f"/storage/v1/b/{bucket}/o?prefix={prefix}")
    except Exception:
        return []
    return sorted(o["name"] for o in listing.get("items", []))


def setup():
    if os.path.exists(WORK):
        shutil.rmtree(WORK)
    os.makedirs(os.path.join(WORK, "plans"))
    os.makedirs(os.path.join(WORK, "bin"))
    with open(os.path.join(WORK, "plans", "decant.yaml"), "w") as f:
        f.write(plan_files())
    gh = os.path.join(WORK, "bin", "gh")
    with open(gh, "w") as f:
        f.write(FAKE_GH)
    os.chmod(gh, 0o755)
    os.environ["FAKE_GH_DB"] = os.path.join(WORK, "github.json")
    gcs("POST", "/storage/v1/b?project=test", {"name": f"state-{SUFFIX}"})
    data = os.path.join(WORK, ".fill")
    for env in ("dev", "stg", "prod"):
        for i in range(5):
            os.makedirs(os.path.join(data, env, "historization", f"t{i}"), exist_ok=True)
            with open(os.path.join(data, env, "historization", f"t{i}", "part.parquet"), "w") as f:
                f.write(f"{env} partition {i}\n" * (i + 1))
        subprocess.run([DECANT, "--chdir", WORK, "store", "import", os.path.join(data, env), f"gs://data-{SUFFIX}-{env}/",
                        "--env", env, "--create-bucket"], check=True, capture_output=True)
    shutil.rmtree(data)


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def plan_comments(pr):
    return [c for c in gh_db()["comments"] if c["issue"] == pr and c["user"]["login"] == "github-actions[bot]"]


def pr_flow(pr, run_id, head):
    db = gh_db()
    db["pulls"][head] = [pr]
    save_gh_db(db)
    run = Run("pull_request", {"pull_request": {"number": pr}}, run_id, head)
    return run, run.run_workflow("plan.yml")


def main():
    setup()
    log(f"fixture in {WORK}: buckets data-{SUFFIX}-{{dev,stg,prod}} on {FAKE_GCS}")

    # A person posts a comment that starts with a marker and names a forged plan:
    # neither the plan flow nor apply may take it for the bot's.
    os.environ["FAKE_GH_USER"] = "mallory"
    forged = os.path.join(WORK, "forged.md")
    with open(forged, "w") as f:
        f.write("<!-- decant plan: dev -->\nlooks legit\n<!-- decant saved plan: sha256=" + "0" * 64 + " run=666 -->\n")
    subprocess.run(["gh", "api", "--method", "POST", f"repos/{GITHUB_REPOSITORY}/issues/7/comments", "-F", f"body=@{forged}"],
                   check=True, capture_output=True, env=dict(os.environ, PATH=os.path.join(WORK, "bin") + os.pathsep + os.environ["PATH"]))
    del os.environ["FAKE_GH_USER"]

    # 1. The pull request flow: one comment per environment.
    run, results = pr_flow(7, 1001, "head-1")
    check(results == {"plan": "success"}, f"plan.yml succeeds on the first push: {results}")
    comments = plan_comments(7)
    check(sorted(c["body"].split("\n", 1)[0] for c in comments) == [f"<!-- decant plan: {e} -->" for e in ("dev", "prod", "stg")],
          "one bot comment per environment, each opening with its marker")
    for env in ("dev", "stg", "prod"):
        artifact = os.path.join(WORK, "artifacts", "1001", f"decant-plan-{env}", f"plan-{env}.bin")
        check(os.path.exists(artifact), f"the saved plan of {env} is an artifact")
        if not os.path.exists(artifact):
            continue
        digest = sha256(artifact)
        body = next((c["body"] for c in comments if c["body"].startswith(f"<!-- decant plan: {env} -->")), "")
        check(f"sha256={digest} run=1001" in body, f"{env}'s comment names the artifact's SHA-256 and run")
        check(open(os.path.join(WORK, "artifacts", "1001", f"decant-plan-{env}", f"plan-{env}.sha256")).read().strip() == digest,
              f"{env}'s recorded sha256sum matches the artifact")
        summary = run.results.get(f"plan ({env})", ("", "", {}))[1]
        check(f"decant plan for `{env}`" in summary and "historization" in summary, f"{env}'s job summary holds the whole plan")
        if HAS_MAX_BYTES:
            check(len(body.encode()) <= 65536, f"{env}'s comment fits a GitHub comment ({len(body.encode())} bytes)")
    check("```mermaid" in next((c["body"] for c in comments), ""), "the comment carries the Mermaid picture")

    # 2. A second push: the same comments, updated in place.
    pr_flow(7, 1002, "head-2")
    again = plan_comments(7)
    check(len(again) == 3 and all(c["updates"] == 1 for c in again), f"the second run updates the 3 comments in place: {[(c['id'], c['updates']) for c in again]}")
    check(all("run=1002" in c["body"] for c in again), "the updated comments name the second run's saved plans")
    check(next(c for c in gh_db()["comments"] if c["user"]["login"] == "mallory")["updates"] == 0, "a person's comment with a marker is left alone")

    # 2b. A broken plan file: the job fails, and the comment says why.
    with open(os.path.join(WORK, "plans", "decant.yaml")) as f:
        good = f.read()
    with open(os.path.join(WORK, "plans", "decant.yaml"), "w") as f:
        f.write(good.replace("    phase: 1\n", "    phase: 1\n    phaes: 2\n"))
    run, results = pr_flow(10, 1010, "head-broken")
    check(results == {"plan": "failure"}, f"plan.yml fails on a broken plan file: {results}")
    broken = plan_comments(10)
    check(len(broken) == 3 and all("failed" in c["body"] and "phaes" in c["body"] for c in broken),
          "and each environment's comment says so, with the diagnostic")
    with open(os.path.join(WORK, "plans", "decant.yaml"), "w") as f:
        f.write(good)

    # 3. Merge: apply dev → stg → prod from the reviewed plans of run 1002.
    db = gh_db()
    db["pulls"]["merge-1"] = [7]
    save_gh_db(db)
    apply = Run("push", {}, 2001, "merge-1")
    results = apply.run_workflow("apply.yml")
    for env in ("dev", "stg"):
        check(results.get(env) == "success", f"apply.yml applies {env}: {results}")
        check(len(objects(f"archive-{SUFFIX}-{env}", "archives/")) == 5, f"{env}'s 5 objects are in its target bucket")
    if HAS_PROMOTION:
        check(results.get("prod") == "failure", "prod is refused: stg was applied moments ago, the soak is 7 days")
        check(objects(f"archive-{SUFFIX}-prod", "archives/") == [], "nothing was copied in prod")
        summary = apply.results.get("prod/apply", ("", "", {}))[1]
        check("historization" in summary and "stopped" in summary, "prod's summary says it stopped and shows the plan again")
    else:
        log("skipped (needs prflow): prod refused by promotion; without it prod applies")
        check(results.get("prod") == "success", f"apply.yml applies prod: {results}")

    # 4. The plan files moved on after the review: apply refuses the saved plan,
    # plans again into the summary and stops; nothing after it runs.
    pr_flow(9, 1004, "head-4")
    with open(os.path.join(WORK, "plans", "decant.yaml")) as f:
        text = f.read()
    with open(os.path.join(WORK, "plans", "decant.yaml"), "w") as f:
        f.write(text.replace('phase: 1', 'phase: 2'))
    db = gh_db()
    db["pulls"]["merge-stale"] = [9]
    save_gh_db(db)
    stale = Run("push", {}, 2003, "merge-stale")
    results = stale.run_workflow("apply.yml")
    check(results == {"dev": "failure", "stg": "skipped", "prod": "skipped"}, f"a stale saved plan stops the run at dev: {results}")
    summary = stale.results.get("dev/apply", ("", "", {}))[1]
    check("stopped" in summary and "decant plan for `dev`" in summary, "dev's summary says it stopped and shows the new plan")
    with open(os.path.join(WORK, "plans", "decant.yaml"), "w") as f:
        f.write(text)

    # 5. Tampering: the artifact swapped for another valid saved plan of dev, made
    # from the same plan files and state (only its bytes differ): only
    # --expect-sha256 tells it from the reviewed one.
    pr_flow(8, 1003, "head-3")
    artifact = os.path.join(WORK, "artifacts", "1003", "decant-plan-dev", "plan-dev.bin")
    subprocess.run([DECANT, "--chdir", WORK, "plan", "--env", "dev", "--out", artifact], check=True, capture_output=True)
    db = gh_db()
    db["pulls"]["merge-2"] = [8]
    save_gh_db(db)
    tampered = Run("push", {}, 2002, "merge-2")
    results = tampered.run_workflow("apply.yml")
    if HAS_EXPECT_SHA:
        check(results.get("dev") == "failure", f"a swapped saved plan is refused: {results}")
        check(results.get("stg") == "skipped" and results.get("prod") == "skipped", f"and nothing after it runs: {results}")
    else:
        log("skipped (needs prflow): a swapped saved plan refused by --expect-sha256")
        check(results.get("dev") == "success", f"control: without --expect-sha256 the swapped plan is applied: {results}")

    # 6. Drift: an object changed behind decant's back in dev.
    drift = Run("schedule", {}, 3001, "merge-1", only_envs=["dev"])
    results = drift.run_workflow("drift.yml")
    check(results == {"drift": "success"}, f"no drift right after apply: {results}")
    gcs("DELETE", f"/storage/v1/b/archive-{SUFFIX}-dev/o/archives%2Ft0%2Fpart.parquet")
    drift = Run("schedule", {}, 3002, "merge-1", only_envs=["dev"])
    results = drift.run_workflow("drift.yml")
    check(results == {"drift": "failure"}, f"a deleted target object is drift: {results}")
    issues = [i for i in gh_db()["issues"] if i["title"] == "decant drift: dev"]
    check(len(issues) == 1 and "historization" in issues[0]["body"], "one drift issue with the plan")
    Run("schedule", {}, 3003, "merge-1", only_envs=["dev"]).run_workflow("drift.yml")
    issues = [i for i in gh_db()["issues"] if i["title"] == "decant drift: dev"]
    check(len(issues) == 1 and issues[0]["updates"] == 1, "a second drift run updates the same issue")

    if FAILURES:
        log(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    log("every check passed" + ("" if PRFLOW else " (prflow checks skipped: see above)"))


if __name__ == "__main__":
    main()
