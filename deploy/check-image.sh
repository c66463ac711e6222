#!/usr/bin/env bash
# Build deploy/Dockerfile and run the image on a machine with no Docker engine.
#
# Needs root, Debian 12 (bookworm) apt sources, and for the last step PostgreSQL on
# 127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379 (`make services` starts both).
# It uses buildah with the vfs storage driver and chroot isolation, so it needs neither a
# daemon, nor overlayfs, nor user namespaces. Docker Hub is not reachable from every
# machine, so the base image `python:3.11-slim` is replaced by a stand-in made like the
# official one: Debian 12 from the machine's own Debian mirror (debootstrap), with a
# CPython 3.11 in /usr/local (see graft_python).
#
#   sudo bash deploy/check-image.sh            # the whole check; safe to run again
#
# What it runs inside the built image: `handoff --help`, `handoff db upgrade` on SQLite,
# then `handoff db upgrade` + `handoff serve` against PostgreSQL (a throwaway database)
# and Redis (db 13), one message sent with smtplib, and `handoff worker --burst` to turn
# it into a draft, and SIGTERM to `handoff serve`, which must exit 0. It drops the
# database and empties Redis db 13 at the end. Settings: CHECK_IMAGE_WORK (where the
# root file system and the image store live), CHECK_IMAGE_PG_ADMIN, CHECK_IMAGE_SMTP_PORT,
# CHECK_IMAGE_PYTHON.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${CHECK_IMAGE_WORK:-/var/tmp/handoff-image-check}
SUITE=bookworm
BASE=docker.io/library/python:3.11-slim
IMAGE=localhost/handoff:check
CTR=handoff-check
PG_ADMIN=${CHECK_IMAGE_PG_ADMIN:-postgresql://postgres@127.0.0.1:5432/postgres}
PG_DB=handoff_deploycheck
PG_CHECK=${PG_ADMIN%/*}/$PG_DB                      # psql, on the host
PG_URL=postgresql+psycopg://${PG_CHECK#postgresql://}  # the same database, for handoff
REDIS_DB=13
SMTP_PORT=${CHECK_IMAGE_SMTP_PORT:-18025}

say() { printf '\n== %s\n' "$*" >&2; }

mkdir -p "$WORK"
# vfs needs no kernel overlay support; a separate store keeps this check's images apart.
cat >"$WORK/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$WORK/storage"
runroot = "$WORK/run"
EOF
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf
# chroot isolation: a chroot in its own mount namespace; the host's network and PIDs.
export BUILDAH_ISOLATION=chroot

say "tools"
if ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
    apt-get update -q
    apt-get install -y -q buildah debootstrap
fi
buildah --version

# The Debian mirror this machine's apt already uses, read at run time so that no host
# name is written anywhere: deb822 *.sources first, then one-line *.list entries.
debian_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        awk -v suite="$SUITE" '
            /^[ \t]*$/ { if (ok && uri) { print uri; done = 1; exit } uri = ""; ok = 0; next }
            /^URIs:/   { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END        { if (!done && ok && uri) print uri }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -e "$f" ] || continue
        awk -v suite="$SUITE" '$1 == "deb" {
            for (i = 2; i < NF; i++) if ($i ~ /^[a-z]+:\/\// && $(i + 1) == suite) { print $i; exit } }' "$f"
    done
}

# The official image is Debian with CPython built into /usr/local. Debian 12's own
# python3 is 3.11.2, older than some pinned packages allow (soupsieve 4.x needs 3.11.5),
# so when this machine has its own CPython 3.11 build (the interpreter behind the
# project's .venv, or CHECK_IMAGE_PYTHON) it is copied into /usr/local the same way:
# interpreter, libpython and standard library, then pip from its bundled ensurepip.
graft_python() {
    local python=${CHECK_IMAGE_PYTHON:-$ROOT/.venv/bin/python} prefix
    prefix=$("$python" -c 'import sys; print(sys.base_prefix if sys.version_info[:2] == (3, 11) else "")' 2>/dev/null) || prefix=
    if [ -z "$prefix" ] || [ "$prefix" = /usr ]; then
        echo "no separate CPython 3.11 build found; the stand-in keeps Debian's python3" >&2
        return
    fi
    echo "copying CPython from $prefix into the stand-in's /usr/local" >&2
    mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/lib/python3.11/site-packages"
    cp -a "$prefix/bin/python3.11" "$ROOTFS/usr/local/bin/"
    cp -a "$prefix"/lib/libpython3.11.so* "$ROOTFS/usr/local/lib/" 2>/dev/null || true
    tar -C "$prefix/lib" -c --exclude=python3.11/site-packages --exclude=python3.11/test \
        --exclude=__pycache__ python3.11 | tar -C "$ROOTFS/usr/local/lib" -x
    ln -sf python3.11 "$ROOTFS/usr/local/bin/python3"
    ln -sf python3 "$ROOTFS/usr/local/bin/python"
    chroot "$ROOTFS" ldconfig
    chroot "$ROOTFS" /usr/local/bin/python3 -m ensurepip --default-pip
    chroot "$ROOTFS" /usr/local/bin/python3 --version
}

say "stand-in for $BASE"
ROOTFS=$WORK/rootfs
if [ ! -e "$ROOTFS/.handoff-rootfs-done" ]; then
    mirror=$(debian_mirror | sed -n 1p)
    if [ -z "$mirror" ]; then
        echo "no apt source for $SUITE found in /etc/apt/sources.list*" >&2
        exit 1
    fi
    rm -rf "$ROOTFS"
    debootstrap --variant=minbase \
        --include=python3,python3-pip,python3-venv,python-is-python3,ca-certificates \
        "$SUITE" "$ROOTFS" "$mirror"
    # The official image's pip installs into its own prefix; Debian's refuses (PEP 668)
    # unless this marker is gone.
    rm -f "$ROOTFS"/usr/lib/python3*/EXTERNALLY-MANAGED
    rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
    graft_python
    touch "$ROOTFS/.handoff-rootfs-done"
fi
if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
    c=$(buildah from scratch)
    mnt=$(buildah mount "$c")
    cp -a "$ROOTFS"/. "$mnt"/
    rm -f "$mnt/.handoff-rootfs-done"
    buildah umount "$c"
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --env LANG=C.UTF-8 --cmd python3 --label org.handoff.stand-in=debootstrap "$c"
    buildah commit --rm "$c" "$BASE"
fi

say "pip settings for the build"
# pip inside the build must see the same indexes, certificates and constraints as this
# machine's pip. Collect them (config files and PIP_* variables) into one pip.conf that is
# mounted at /etc/pip.conf for every RUN, and mount each local path it names read-only.
python3 - "$WORK/pip.conf" "$WORK/pip-mounts" <<'EOF'
import os
import re
import subprocess
import sys

listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
values = {}
for line in listing.splitlines():
    match = re.match(r"^(?:[\w-]+|:env:)\.([\w-]+)='(.*)'$", line)
    if match:
        values[match.group(1)] = match.group(2)
values.pop("target", None)
values.pop("prefix", None)
with open(sys.argv[1], "w") as out:
    out.write("[global]\n")
    for key, value in sorted(values.items()):
        out.write(f"{key} = {value}\n")
paths = set()
for key in ("cert", "client-cert", "constraint", "requirement", "find-links", "index-url", "extra-index-url"):
    for item in values.get(key, "").split():
        path = item[len("file://"):] if item.startswith("file://") else item
        if path.startswith("/") and os.path.exists(path):
            paths.add(os.path.dirname(path) if key.endswith("index-url") else path)
with open(sys.argv[2], "w") as out:
    out.writelines(f"{p}\n" for p in sorted(paths))
EOF
mounts=(--volume "$WORK/pip.conf:/etc/pip.conf:ro")
while IFS= read -r path; do
    mounts+=(--volume "$path:$path:ro")
done <"$WORK/pip-mounts"

say "build $IMAGE from deploy/Dockerfile"
buildah bud --pull=never --layers \
    -f "$ROOT/deploy/Dockerfile" --ignorefile "$ROOT/deploy/Dockerfile.dockerignore" \
    "${mounts[@]}" -t "$IMAGE" "$ROOT"
buildah inspect --type image --format '{{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.Cmd}} user={{.OCIv1.Config.User}}' "$IMAGE"

buildah rm "$CTR" >/dev/null 2>&1 || true
buildah from --pull=never --name "$CTR" "$IMAGE" >/dev/null
in_image() { buildah run "$CTR" -- "$@"; }

say "handoff --help"
in_image handoff --help
# docker-compose.yml mounts a named volume here; it must exist and belong to handoff.
in_image stat -c '%U:%G %a %n' /var/lib/handoff/outbox

say "handoff db upgrade on SQLite"
in_image env HANDOFF_DATABASE_URL=sqlite:////var/lib/handoff/check.db handoff db upgrade
in_image python -c "import sqlite3; print(sorted(r[0] for r in sqlite3.connect('/var/lib/handoff/check.db').execute(\"select name from sqlite_master where type='table' and name not like 'sqlite_%'\")))"

say "handoff serve against PostgreSQL + Redis db $REDIS_DB"
SERVE_PID=
cleanup() {
    if [ -n "$SERVE_PID" ]; then kill -TERM "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
    psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
    redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
    buildah rm "$CTR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
app_env=(env HANDOFF_DATABASE_URL="$PG_URL" HANDOFF_REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
    HANDOFF_SMTP_HOST=127.0.0.1 HANDOFF_SMTP_PORT="$SMTP_PORT" HANDOFF_DEBOUNCE_S=0
    HANDOFF_INBOX_ADDRESS=handoff@northwind.example HANDOFF_COMPANY_DOMAINS=northwind.example)
in_image "${app_env[@]}" handoff db upgrade
# In the background as buildah itself (not through a function, whose subshell would be
# what $! names): buildah forwards SIGTERM to the process in the chroot.
buildah run "$CTR" -- "${app_env[@]}" handoff -v serve &
SERVE_PID=$!
python3 - "$SMTP_PORT" <<'EOF'
import smtplib
import sys
import time
from email.message import EmailMessage

port = int(sys.argv[1])
deadline = time.monotonic() + 60
while True:
    try:
        client = smtplib.SMTP("127.0.0.1", port, timeout=10)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.5)
msg = EmailMessage()
msg["From"] = "Sam Okafor <sam.okafor@northwind.example>"
msg["To"] = "handoff@northwind.example"
msg["Subject"] = "Fwd: Alder & Finch - signed"
msg["Message-ID"] = "<deploy-check-1@northwind.example>"
msg.set_content(
    "---------- Forwarded message ---------\n"
    "From: Anika Rao <anika.rao@alderfinch.example>\n"
    "Date: Tue, 2 Jun 2026 10:00:00 +0000\n"
    "Subject: Signed\n"
    "To: Sam Okafor <sam.okafor@northwind.example>\n\n"
    "Contract is signed. We need the Snowflake sync live before the Q3 review.\n"
)
print("smtplib:", client.send_message(msg) or "accepted (250)")
client.quit()
EOF
stored=$(psql "$PG_CHECK" -At -c "SELECT count(*) FROM inbound WHERE message_id LIKE '%deploy-check-1@northwind.example%'")
echo "inbound rows for the message in $PG_DB: $stored"
[ "$stored" = 1 ]

say "handoff worker --burst (the job the intake queued in Redis)"
in_image "${app_env[@]}" handoff -v worker --burst
in_image sh -c 'ls -l /var/lib/handoff/outbox && grep -m1 "^Subject:" /var/lib/handoff/outbox/*.eml'
psql "$PG_CHECK" -At -c "SELECT kind || ' -> ' || to_address || ' (' || status || ')' FROM outbound"

say "handoff health"
in_image "${app_env[@]}" handoff health || true

say "SIGTERM to handoff serve (the image's STOPSIGNAL)"
# buildah answers SIGTERM by SIGKILLing what runs in the chroot, so the graceful stop is
# checked by signalling handoff itself: chroot isolation has no PID namespace, and the
# process is a descendant of the buildah run started above.
descendants() {
    local pid
    for pid in $(ps -o pid= --ppid "$1"); do
        echo "$pid"
        descendants "$pid"
    done
}
serve_pid=
for pid in $(descendants "$SERVE_PID"); do
    case "$(ps -o args= -p "$pid")" in *bin/handoff\ -v\ serve*) serve_pid=$pid ;; esac
done
[ -n "$serve_pid" ]
kill -TERM "$serve_pid"
status=0
wait "$SERVE_PID" || status=$?
SERVE_PID=
echo "handoff serve exited with status $status"
[ "$status" = 0 ]

say "clean up: drop $PG_DB, empty Redis db $REDIS_DB, remove the working container"
psql "$PG_ADMIN" -q -c "DROP DATABASE $PG_DB"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
buildah rm "$CTR" >/dev/null
trap - EXIT
say "all checks passed"
