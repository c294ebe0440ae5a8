#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real binary: a scratch project with four targets and
# the scripted fake agent, run in tmux, captured with colours and rendered by ansi2png.py.
# Needs tmux, python3 with pyte and Pillow (pip install pyte pillow), and the DejaVu fonts.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
swift build --package-path "$repo" >/dev/null
bin=$(swift build --package-path "$repo" --show-bin-path)/phase-golem
agent="$repo/Tests/Fixtures/fake-agent/claude"
scratch=$(mktemp -d)
trap 'tmux kill-session -t pgshot 2>/dev/null || true; tmux kill-session -t pgwatch 2>/dev/null || true; rm -rf "$scratch"' EXIT
work="$scratch/acme-shop"
mkdir -p "$work"
cols=110 rows=32

cd "$work"
git init -q -b main && git config user.email demo@example.com && git config user.name Demo
mkdir -p .task-golem wf
for n in research prd build review; do echo "# $n" > "wf/$n.md"; done
cat > phase-golem.toml <<TOML
[project]
prefix = "APP"
[execution]
max_retries = 1
[agent]
cli = "command"
command = ["$agent"]
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
cat > .git/script <<SCRIPT
${ids[1]} triage triage block
${ids[2]} build sleep 6
* triage triage small
* * sleep 0.4
SCRIPT

capture() { tmux capture-pane -t "${2:-pgshot}" -e -p > "$work/$1.ans"; python3 "$repo/scripts/ansi2png.py" --cols $cols --rows $rows "$work/$1.ans" "$repo/screenshots/$1.png"; }
waitfor() { for _ in $(seq 200); do tmux capture-pane -t "${2:-pgshot}" -p | grep -q "$1" && return 0; sleep 0.1; done; echo "timed out waiting for: $1" >&2; exit 1; }

targets=()
for id in "${ids[@]}"; do targets+=(--target "$id"); done
tmux -u new-session -d -s pgshot -x $cols -y $rows \
  "cd '$work' && env LANG=C.UTF-8 TERM=tmux-256color FAKE_AGENT_SCRIPT='$work/.git/script' '$bin' run ${targets[*]}; sleep 60"
waitfor "Enter launch"
tmux send-keys -t pgshot a
waitfor "Auto-advance: ON"
capture launch
tmux send-keys -t pgshot Enter
waitfor "${ids[2]}.*build 3/4"
capture run
# `phase-golem watch` from a second terminal, on the same run.
tmux -u new-session -d -s pgwatch -x $cols -y $rows "cd '$work' && env LANG=C.UTF-8 TERM=tmux-256color '$bin' watch; sleep 60"
waitfor "q/^C leave" pgwatch
waitfor "${ids[2]}.*build 3/4" pgwatch
capture watch pgwatch
waitfor "Run summary"
capture summary
echo "screenshots written to $repo/screenshots"
