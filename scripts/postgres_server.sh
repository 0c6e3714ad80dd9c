# shellcheck shell=bash
# A throwaway PostgreSQL server for the warehouse tests. Sourced by scripts/test.sh:
#
#   source scripts/postgres_server.sh
#   postgres_start     # finds (or, as root on Debian, installs) the server binaries, starts a private server on
#                      # 127.0.0.1:<free port> with trust auth, creates database kttt_test and exports
#                      # KTTT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:<port>/kttt_test
#   postgres_stop      # stops that server and removes its temporary directory
#
# If KTTT_TEST_POSTGRES_URL is already set (e.g. a CI service container), postgres_start uses it and starts
# nothing. Calling postgres_start twice is harmless. PostgreSQL refuses to run as root: as root the server runs
# as the 'postgres' system user (created by Debian's package), else as 'nobody'.
# Works with `set -u`; never exits the calling shell (returns non-zero with a message instead).

_kttt_pg_log() { echo "postgres_server: $*" >&2; }

# Print the directory holding initdb, pg_ctl and postgres (newest version first), or fail.
_kttt_pg_bindir() {
  local d candidates=()
  if [ -n "${KTTT_PG_BINDIR:-}" ]; then candidates+=("$KTTT_PG_BINDIR"); fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null) && candidates+=("$d")
  fi
  # /usr/lib/postgresql/<version>/bin (Debian/Ubuntu), newest first; then other usual places
  while IFS= read -r d; do candidates+=("$d"); done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r)
  while IFS= read -r d; do candidates+=("$d"); done < <(ls -d /usr/pgsql-*/bin /usr/local/pgsql/bin 2>/dev/null)
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  candidates+=("$d")
  for d in "${candidates[@]}"; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Install Debian's postgresql package (root only, non-interactive).
_kttt_pg_install() {
  if [ "$(id -u)" -ne 0 ]; then
    _kttt_pg_log "no PostgreSQL server binaries found (initdb, pg_ctl, postgres) and not running as root."
    _kttt_pg_log "install them (Debian/Ubuntu: sudo apt-get install postgresql) or set KTTT_TEST_POSTGRES_URL"
    _kttt_pg_log "to a database the tests may use, e.g. postgresql+psycopg://user@127.0.0.1:5432/kttt_test"
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    _kttt_pg_log "no PostgreSQL server binaries found and no apt-get to install them: install PostgreSQL"
    _kttt_pg_log "(initdb, pg_ctl, postgres) or set KTTT_TEST_POSTGRES_URL"
    return 1
  fi
  _kttt_pg_log "installing Debian's postgresql package (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
    _kttt_pg_log "apt-get install postgresql failed"
    return 1
  fi
}

# A free TCP port on 127.0.0.1.
_kttt_pg_free_port() {
  local py port
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1; then
      port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) \
        && { echo "$port"; return 0; }
    fi
  done
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# Run a command as the server's user (as is when not root).
_kttt_pg_as() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$_KTTT_PG_USER" -- "$@"
  else
    local q
    q=$(printf '%q ' "$@")
    su "$_KTTT_PG_USER" -s /bin/sh -c "$q"
  fi
}

postgres_start() {
  if [ -n "${_KTTT_PG_DIR:-}" ] && [ -n "${_KTTT_PG_BIN:-}" ] \
     && _kttt_pg_as "$_KTTT_PG_BIN/pg_ctl" -D "$_KTTT_PG_DIR/data" status >/dev/null 2>&1; then
    return 0  # already started by us
  fi
  if [ -n "${KTTT_TEST_POSTGRES_URL:-}" ]; then
    _kttt_pg_log "using KTTT_TEST_POSTGRES_URL (no server started)"
    return 0
  fi

  local bindir
  if ! bindir=$(_kttt_pg_bindir); then
    _kttt_pg_install || return 1
    bindir=$(_kttt_pg_bindir) || { _kttt_pg_log "PostgreSQL server binaries still not found after installing"; return 1; }
  fi

  _KTTT_PG_USER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then _KTTT_PG_USER=postgres; else _KTTT_PG_USER=nobody; fi
  fi

  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/kttt-pg.XXXXXX") || { _kttt_pg_log "cannot create a temporary directory"; return 1; }
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown "$_KTTT_PG_USER" "$dir"; fi
  _KTTT_PG_DIR=$dir
  _KTTT_PG_BIN=$bindir

  if ! _kttt_pg_as "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1; then
    _kttt_pg_log "initdb failed:"; sed 's/^/  /' "$dir/initdb.log" >&2
    postgres_stop
    return 1
  fi

  local port attempt started=""
  for attempt in 1 2 3; do
    port=$(_kttt_pg_free_port) || { _kttt_pg_log "no free port"; break; }
    if _kttt_pg_as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         start >/dev/null 2>&1; then
      started=1
      break
    fi
    _kttt_pg_log "start on port $port failed (attempt $attempt)"
  done
  if [ -z "$started" ]; then
    _kttt_pg_log "could not start the server; its log:"; sed 's/^/  /' "$dir/server.log" >&2 2>/dev/null
    postgres_stop
    return 1
  fi
  _KTTT_PG_PORT=$port

  if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres kttt_test >"$dir/createdb.log" 2>&1; then
    _kttt_pg_log "createdb failed:"; sed 's/^/  /' "$dir/createdb.log" >&2
    postgres_stop
    return 1
  fi
  export KTTT_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/kttt_test"
  _kttt_pg_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
}

postgres_stop() {
  if [ -z "${_KTTT_PG_DIR:-}" ]; then
    return 0  # nothing started by us
  fi
  if [ -n "${_KTTT_PG_BIN:-}" ] && [ -d "$_KTTT_PG_DIR/data" ]; then
    _kttt_pg_as "$_KTTT_PG_BIN/pg_ctl" -D "$_KTTT_PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$_KTTT_PG_DIR"
  if [ -n "${_KTTT_PG_PORT:-}" ]; then unset KTTT_TEST_POSTGRES_URL; fi
  unset _KTTT_PG_DIR _KTTT_PG_BIN _KTTT_PG_PORT _KTTT_PG_USER
}
