#!/usr/bin/env bash
# Installs what Perisai needs to run on Debian 12 (as root): Node.js >= 20.19, the npm packages, a build.
# Safe to run again. Network use: Debian's package mirrors and the npm registry only.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
export DEBIAN_FRONTEND=noninteractive

apt_install() { # installs the Debian packages that are missing
  local p missing=()
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "install: apt-get install ${missing[*]}" >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
}

node_ok() {
  command -v node >/dev/null || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  apt_install nodejs npm
  node_ok || { echo "install: Perisai needs Node.js >= 20.19 (found: $(node --version 2>/dev/null || echo none)). Install Node.js 20, 22 or 24 and run this again." >&2; exit 1; }
fi

# nmap-common provides nmap-services, the data behind --ports top:N (read at run time, not bundled: NPSL).
apt_install ca-certificates nmap-common iproute2

npm ci --no-audit --no-fund
npm run build
echo "install: done. Try: ./perisai scan 127.0.0.1 -p top:1000" >&2
