#!/usr/bin/env bash
# Installs everything the test suite needs on Debian 12 (as root) and runs all of it:
# lint, type-check, unit tests, and the integration tests against the project's own lab
# (network namespaces on 198.18.0.0/15, see lab/README.md). Exit code = the tests' exit code.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
export DEBIAN_FRONTEND=noninteractive

bash scripts/install.sh

# Peers and lab hosts: nmap + ndiff (agreement and XML tests), Samba and impacket (SMB lab hosts),
# nftables/iproute2 (lab), python3 (lab listeners), postgresql (the store tests start their own server),
# chromium (browser tests drive Debian's Chromium through playwright-core), nginx-light and openssl (the
# deployment tests put deploy/nginx.conf.example in front of `perisai serve` with a certificate made at test
# time; policy-rc.d below keeps the package from starting a system-wide nginx), poppler-utils (the PDF tests read
# every document back with pdftotext, check embedded fonts with pdffonts and draw a page with pdftoppm).
pkgs=(nmap ndiff samba smbclient python3 python3-impacket nftables iproute2 procps util-linux iputils-ping postgresql chromium nginx-light openssl poppler-utils)
missing=()
for p in "${pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-all: apt-get install ${missing[*]}" >&2
  # keep package scripts from starting smbd/nmbd system-wide: the lab runs its own daemons in namespaces
  prc=/usr/sbin/policy-rc.d; made=0
  [ -e $prc ] || { printf '#!/bin/sh\nexit 101\n' >$prc && chmod 755 $prc && made=1; }
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  [ $made = 1 ] && rm -f $prc
fi

# The reference lab beside the project (if any) guards the same range: it must be down first.
# PERISAI_LAB_SHARED is the folder of its 'testnet' script (the variable lab/perisai-lab reads too);
# by default shared/testnet beside the repository.
ref=${PERISAI_LAB_SHARED:-../shared/testnet}/testnet
if [ -x "$ref" ] && ip link show tnbr0 >/dev/null 2>&1; then "$ref" down || true; fi

# `up` is idempotent: it leaves a healthy lab alone and rebuilds a broken one.
lab/perisai-lab up
# PERISAI_LAB_KEEP=1 leaves the lab up afterwards (handy while developing).
[ "${PERISAI_LAB_KEEP:-0}" = 1 ] || trap 'lab/perisai-lab down >/dev/null 2>&1 || true' EXIT

npm run lint
npm run typecheck   # src/ and web/ (the UI's types come from the API's schemas)
# A test that leaves a handle open would keep its file's process alive and the run waiting; a hard ceiling
# turns that into a failure with a clear exit code (124) instead of a CI run that never ends.
timeout --signal=TERM --kill-after=30s 45m npm test
