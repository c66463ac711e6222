#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the test suite uses, if they are installed but not running.
# Tests that need them fail (they are not skipped) when they still cannot be reached.
set -u
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  else
    echo "services: PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is not installed"
  fi
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    sleep 0.5
  else
    echo "services: Redis is not running on 127.0.0.1:6379 and redis-server is not installed"
  fi
fi
exit 0
