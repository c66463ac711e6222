#!/usr/bin/env bash
# Install Dovecot's IMAP server from the Debian packages if it is missing. The IMAP intake tests start
# their own throwaway instance on loopback (tests/dovecot.py); nothing is configured or started here.
set -eu
if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "dovecot: installing dovecot-imapd"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
