#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real binary driving the **real Claude Code CLI**
# (scripts/fetch-agent-cli.sh claude) against the tests' scripted Messages API
# (Tests/Fixtures/fake-anthropic-api/, on 127.0.0.1 only): a scratch project with four targets,
# run in tmux, captured with colours and rendered by ansi2png.py. So the pictures show what an
# operator sees with Claude Code: its activity, the costs it reports, the model in the header.
# Everything lives under one neutral folder (/tmp/phase-golem-demo) so no picture shows a path
# of the machine that made it.
# Needs tmux, python3 with pyte and Pillow (pip install pyte pillow), and the DejaVu fonts.
set -euo pipefail
session="pgshot-$$"  # unique, so two runs at once do not share a tmux session
watch_session="pgwatch-$$"
repo=$(cd "$(dirname "$0")/.." && pwd)
swift build --package-path "$repo" >/dev/null
bin=$(swift build --package-path "$repo" --show-bin-path)/phase-golem
claude=$("$repo/scripts/fetch-agent-cli.sh" claude)
scratch=/tmp/phase-golem-demo
rm -rf "$scratch"
api_pid=
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  tmux kill-session -t "$watch_session" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  if [ -n "$api_pid" ]; then kill -9 "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
work="$scratch/acme-shop"
mkdir -p "$work" "$scratch/bin" "$scratch/home"
ln -s "$claude" "$scratch/bin/claude"
cols=130 rows=32

cd "$work"
git init -q -b main && git config user.email demo@example.com && git config user.name Demo
mkdir -p .task-golem wf
for n in research prd build review; do echo "# $n" > "wf/$n.md"; done
cat > phase-golem.toml <<TOML
[project]
prefix = "APP"
[execution]
max_retries = 1
max_cost_usd = 5
[agent]
cli = "claude"
model = "claude-opus-5-5"
[pipelines.feature]
pre_phases = [{ name = "research", workflows = ["wf/research.md"] }]
phases = [{ name = "prd", workflows = ["wf/prd.md"] }, { name = "build", workflows = ["wf/build.md"], is_destructive = true }, { name = "review", workflows = ["wf/review.md"] }]
TOML
printf '{"schema_version":1}\n' > .task-golem/tasks.jsonl
cp .task-golem/tasks.jsonl .task-golem/archive.jsonl
: > .task-golem/tasks.lock
echo ".phase-golem/" > .gitignore
git add -A && git commit -qm init
ids=()
for title in "Add password reset flow" "Rate-limit the public API" "Migrate sessions to Redis" "Document the webhook format"; do
  ids+=("$("$bin" add "$title" --impact medium --size small | sed 's/^Added \([^:]*\):.*/\1/')")
done
# What the model does in each phase: look around, run a command, write the result file, say
# a last sentence; the second target's triage blocks, the third target's build holds a turn
# so the run screen catches it working. Usage as a mid-sized real phase reports it.
python3 - "$work" "${ids[@]}" > "$scratch/script.json" <<'PY'
import json, sys
root, ids = sys.argv[1], sys.argv[2:]
usage = {"input_tokens": 3200, "output_tokens": 850, "cache_read_input_tokens": 24000, "cache_creation_input_tokens": 2600}
def phase(result, bash="git log --oneline -3", hold=None, text="Reading the workflow for this phase."):
    look = {"text": text, "tool_uses": [{"name": "Read", "input": {"file_path": "{root}/wf/{phase}.md"}}], "usage": usage}
    run = {"tool_uses": [{"name": "Bash", "input": {"command": bash, "description": "Check the project"}}], "usage": usage}
    if hold:
        run["delay"] = hold
    return [look, run, {"write_result": result, "usage": usage}, {"text": "Wrote the result file.", "usage": usage}]
triaged = {"result": "phase_complete", "summary": "Triaged as small", "pipeline_type": "feature",
           "updated_assessments": {"size": "small", "complexity": "low", "risk": "low", "impact": "medium"}}
triage = [{"text": "Checking the backlog for duplicates.", "tool_uses": [{"name": "Bash", "input": {"command": "git log --oneline -5"}}], "usage": usage},
          {"write_result": triaged, "usage": usage}, {"text": "Triaged.", "usage": usage}]
conversations = {
    "*/triage": triage,
    ids[1] + "/triage": [triage[0], {"write_result": {"result": "blocked", "summary": "Needs a decision",
        "context": "Which limits per plan? Needs a product decision"}, "usage": usage}, {"text": "Blocked.", "usage": usage}],
    ids[2] + "/build": phase({"result": "phase_complete", "summary": "Built it"}, bash="swift build 2>&1 | tail -3", hold=8),
    "*": phase({"result": "phase_complete", "summary": "Done"}),
}
print(json.dumps({"root": root, "conversations": conversations}))
PY
# The fake API runs while this script holds its stdin open (fd 3); the trap also kills it.
mkfifo "$scratch/api-stdin"
python3 "$repo/Tests/Fixtures/fake-anthropic-api/server.py" "$scratch/script.json" "$scratch/requests.jsonl" \
  < "$scratch/api-stdin" > "$scratch/port" &
api_pid=$!
exec 3> "$scratch/api-stdin"
for _ in $(seq 100); do grep -q listening "$scratch/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '{print $3}' "$scratch/port")
[ -n "$port" ] || { echo "the fake Anthropic API did not start" >&2; exit 1; }
agent_env="PATH='$scratch/bin':\$PATH HOME='$scratch/home' ANTHROPIC_BASE_URL=http://127.0.0.1:$port ANTHROPIC_API_KEY=demo CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 DISABLE_AUTOUPDATER=1 NO_PROXY=127.0.0.1,localhost IS_SANDBOX=1"

capture() { tmux capture-pane -t "${2:-$session}" -e -p > "$work/$1.ans"; python3 "$repo/scripts/ansi2png.py" --cols $cols --rows $rows "$work/$1.ans" "$repo/screenshots/$1.png"; }
waitfor() { for _ in $(seq 200); do tmux capture-pane -t "${2:-$session}" -p | grep -q "$1" && return 0; sleep 0.1; done; echo "timed out waiting for: $1" >&2; exit 1; }

targets=()
for id in "${ids[@]}"; do targets+=(--target "$id"); done
tmux -u new-session -d -s "$session" -x $cols -y $rows \
  "cd '$work' && env -u CI LANG=C.UTF-8 TERM=tmux-256color $agent_env '$bin' run ${targets[*]}; sleep 60"
waitfor "Enter launch"
tmux send-keys -t "$session" a
waitfor "Auto-advance: ON"
capture launch
tmux send-keys -t "$session" Enter
waitfor "${ids[2]}.*build 3/4"
waitfor "Read wf/build.md"
capture run
# `phase-golem watch` from a second terminal, on the same run.
tmux -u new-session -d -s "$watch_session" -x $cols -y $rows "cd '$work' && env LANG=C.UTF-8 TERM=tmux-256color '$bin' watch; sleep 60"
waitfor "q/^C leave" "$watch_session"
waitfor "${ids[2]}.*build 3/4" "$watch_session"
capture watch "$watch_session"
waitfor "Run summary"
capture summary
# No picture may show a path of this machine (the repository, the home folder, the agent).
for f in "$work"/*.ans; do
  for p in "$repo" "$HOME" "$scratch" "$claude"; do
    if grep -qF "$p" "$f"; then echo "$(basename "$f") shows the path $p" >&2; exit 1; fi
  done
done
echo "screenshots written to $repo/screenshots"
