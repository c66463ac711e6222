#!/usr/bin/env bash
# Install the terminal mail clients that scripts/client_fixtures.py drives (and tmux, which it drives
# them through) from the Debian packages when they are missing. Nothing is configured or started here.
set -eu
missing=""
for pair in mutt:mutt neomutt:neomutt s-nail:s-nail tmux:tmux alpine:alpine aerc:aerc; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair##*:}"
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "mail clients: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
