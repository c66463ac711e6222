#!/usr/bin/env bash
# Install Debian's Chromium (and its WebDriver) if it is missing. The web tests drive it headless with
# Playwright pointed at /usr/bin/chromium (tests/browser.py); no browser build is ever downloaded.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "chromium: installing chromium"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
