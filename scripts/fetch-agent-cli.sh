#!/usr/bin/env bash
# Fetches a pinned real agent CLI from PyPI (with pip, the ordinary client) and caches the
# extracted binary outside the repository, then prints the binary's absolute path on stdout.
#
#   scripts/fetch-agent-cli.sh claude   # Claude Code 2.1.327 from claude-agent-sdk==0.2.184
#   scripts/fetch-agent-cli.sh codex    # codex-cli 0.163.0 from openai-codex-cli-bin==0.163.0
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/phase-golem-agents/<name>-<version>/ (the wheel's own
# layout below it). A cached binary that answers --version with the pinned version is reused
# without touching the network, so running this twice is cheap. The tests that drive the real
# CLIs find the binaries there (or through PHASE_GOLEM_CLAUDE_BIN / PHASE_GOLEM_CODEX_BIN).
set -euo pipefail

die() { echo "fetch-agent-cli: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 claude|codex"

case "$1" in
  claude)
    package=claude-agent-sdk package_version=0.2.184
    name=claude version=2.1.327
    binary_rel=claude_agent_sdk/_bundled/claude
    extract=('claude_agent_sdk/_bundled/*')
    executables=(claude_agent_sdk/_bundled/claude)
    ;;
  codex)
    package=openai-codex-cli-bin package_version=0.163.0
    name=codex version=0.163.0
    binary_rel=codex_cli_bin/bin/codex
    extract=('codex_cli_bin/*')
    # Unzipping drops the execute bits; these are the files codex runs.
    executables=(codex_cli_bin/bin/codex codex_cli_bin/bin/codex-code-mode-host
                 codex_cli_bin/codex-resources/bwrap codex_cli_bin/codex-path/rg)
    ;;
  *) die "unknown agent CLI '$1' (expected claude or codex)" ;;
esac

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/phase-golem-agents"
dest="$cache_root/$name-$version"
binary="$dest/$binary_rel"

# The version check runs the binary with a throwaway HOME: codex writes under its home even
# for --version, and nothing here should touch the operator's settings.
reports_pinned_version() {
  [ -x "$binary" ] || return 1
  local home out
  home=$(mktemp -d)
  out=$(HOME="$home" CODEX_HOME="$home" "$binary" --version 2>/dev/null) || { rm -rf "$home"; return 1; }
  rm -rf "$home"
  case "$out" in *"$version"*) return 0 ;; *) return 1 ;; esac
}

if reports_pinned_version; then
  echo "$binary"
  exit 0
fi

if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  pip=(python3 -m pip)
elif command -v pip3 >/dev/null 2>&1; then
  pip=(pip3)
else
  die "pip is needed to download $package==$package_version from PyPI; install it (Debian/Ubuntu: apt-get install -y python3-pip) and run this again"
fi

mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.fetch-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "fetch-agent-cli: downloading $package==$package_version from PyPI (this is large)" >&2
"${pip[@]}" download --quiet --no-deps --disable-pip-version-check -d "$work/wheel" \
    "$package==$package_version" >&2 \
  || die "pip could not download $package==$package_version (is PyPI reachable? check proxy settings)"

shopt -s nullglob
wheels=("$work"/wheel/*.whl)
[ ${#wheels[@]} -eq 1 ] || die "expected one wheel for $package==$package_version, found ${#wheels[@]} in $work/wheel"

# Extract with Python's zipfile (always there with pip), keeping only the CLI's files.
python3 - "${wheels[0]}" "$work/x" "${extract[@]}" <<'PY' || die "could not extract ${wheels[0]}"
import fnmatch, sys, zipfile
wheel, target, patterns = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if any(fnmatch.fnmatch(n, p) for p in patterns)]
    if not names:
        sys.exit("no file of the wheel matches " + " ".join(patterns))
    z.extractall(target, names)
PY
for f in "${executables[@]}"; do
  [ -f "$work/x/$f" ] || die "the wheel has no $f; is the pin right?"
  chmod +x "$work/x/$f"
done

# Replace the cache entry in one rename so an interrupted fetch never leaves half a binary.
rm -rf "$dest"
mv "$work/x" "$dest"
reports_pinned_version || die "$binary does not report version $version after extraction"
echo "$binary"
