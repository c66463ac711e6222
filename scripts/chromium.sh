#!/usr/bin/env bash
# Install Debian's Chromium if it is missing. The web tests (tests/web/) and the test that renders the CSM's
# mail at phone and desktop widths (tests/test_render_browser.py) drive it headless; no browser build is
# ever downloaded.
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
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
