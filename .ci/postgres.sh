# Sourced by .ci/run: starts a throwaway PostgreSQL cluster on a free local port for the
# discussion tests (which are #[ignore]d and fail, not skip, when run without a server), exports
# BACKCARE_TEST_POSTGRES_URL, and stops the cluster when the script exits.
# Installs Debian's postgresql if no server is installed. PostgreSQL refuses to run as root, so
# as root the cluster belongs to the `postgres` user (created by the package).

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

if [ -z "$(pg_bin_dir)" ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi
PG_BIN="$(pg_bin_dir)"
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL did not install: no initdb found" >&2
  exit 1
fi

PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PG_DIR="$(mktemp -d /tmp/backcare-postgres.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  chown postgres: "$PG_DIR"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

as_pg "$PG_BIN/initdb" --pgdata="$PG_DIR/data" --username=backcare --auth=trust \
  --encoding=UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
  || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
# Throwaway data: no fsync. Only the loopback address, a private socket directory.
as_pg "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --log="$PG_DIR/server.log" --wait \
  --options="-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c max_connections=300" \
  start >/dev/null || { cat "$PG_DIR/server.log" >&2; exit 1; }

stop_postgres() {
  as_pg "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --mode=immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_postgres EXIT

export BACKCARE_TEST_POSTGRES_URL="postgres://backcare@127.0.0.1:$PG_PORT/postgres"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT for the discussion tests"
