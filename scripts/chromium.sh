#!/usr/bin/env bash
# Install Debian's Chromium if it is missing. The test that renders the CSM's mail at phone and desktop
# widths (tests/test_render_browser.py) starts its own headless instance; nothing is configured here.
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "chromium: installing chromium"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
