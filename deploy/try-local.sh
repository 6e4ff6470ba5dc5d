#!/usr/bin/env bash
# Try the deployment on this machine: nginx in front of two backcare instances on loopback ports,
# load from wrk, and one instance killed in the middle of it. Prints how many requests failed;
# with nginx's retry to the other instance (deploy/nginx.conf) that should be 0.
#
#   deploy/try-local.sh                     10 s of load, instance 1 killed (SIGKILL) after 4 s
#   TRY_SIGNAL=TERM TRY_DURATION=20 deploy/try-local.sh
#
# The nginx configuration is deploy/nginx.conf's own upstream, static and proxy blocks (between
# its "try-local" markers) with loopback ports and this checkout's static folder, served over
# plain HTTP. Installs Debian's nginx, wrk and curl with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

DURATION="${TRY_DURATION:-10}"
KILL_AFTER="${TRY_KILL_AFTER:-4}"
SIGNAL="${TRY_SIGNAL:-KILL}"
CONNECTIONS="${TRY_CONNECTIONS:-64}"
PAGE="${TRY_PAGE:-/articles/lifting-safely}"

say() { printf '==> %s\n' "$*" >&2; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768+)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

missing=()
for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]} (Debian packages)"
  sudo=""
  [[ $EUID -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

say "building the release binary"
cargo build --release --quiet

WORK="$(mktemp -d)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Both instances as deploy/backcare@.service runs them: nginx trusted, one database, one secret.
export BACKCARE_TRUSTED_PROXIES=127.0.0.1
export DATABASE_URL="sqlite://$WORK/backcare.db?mode=rwc"
export BACKCARE_SECRET="try-local-secret-shared-by-both-instances"
PORTS=("$(free_port)" "$(free_port)")
INSTANCE_PIDS=()
# One after the other: the first creates the database schema, the second finds it there.
for i in 0 1; do
  port="${PORTS[$i]}"
  ./target/release/backcare --bind "127.0.0.1:$port" >"$WORK/instance$((i + 1)).out" 2>"$WORK/instance$((i + 1)).log" &
  PIDS+=("$!")
  INSTANCE_PIDS+=("$!")
  for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { cat "$WORK"/instance*.log >&2; exit 1; }
done
say "backcare instances on 127.0.0.1:${PORTS[0]} and 127.0.0.1:${PORTS[1]}"

NGINX_PORT="$(free_port)"
mkdir -p "$WORK/nginx/logs"
# The deployed blocks, pointed at this machine's ports and this checkout's static folder.
between() { sed -n "/# try-local: $1 begin/,/# try-local: $1 end/p" deploy/nginx.conf; }
adapt() {
  sed -e "s/127\.0\.0\.1:8081/127.0.0.1:${PORTS[0]}/; s/127\.0\.0\.1:8082/127.0.0.1:${PORTS[1]}/" \
    -e "s|/srv/backcare/static/|$REPO/static/|g"
}
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log $WORK/nginx/logs/access.log;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  sendfile on;
$(between upstream | adapt)
  server {
    listen 127.0.0.1:$NGINX_PORT;
    server_tokens off;
$(between locations | adapt)
  }
}
EOF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/logs/error.log" &
PIDS+=("$!")
PROXY="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 50); do curl -fsS -o /dev/null "$PROXY$PAGE" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$PROXY$PAGE"
stylesheet="$(curl -fsS "$PROXY/" | sed -n 's/.*<link rel="stylesheet" href="\([^"]*\)".*/\1/p')"
say "nginx on $PROXY; the stylesheet $stylesheet comes from disk: $(curl -fsS -D - -o /dev/null "$PROXY$stylesheet" | tr -d '\r' | grep -i '^cache-control')"

# Counts every response that is not a 200, across wrk's threads.
cat >"$WORK/count.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0 end
function response(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failed") end
  local e = summary.errors
  io.write(string.format("requests: %d\n", summary.requests))
  io.write(string.format("non-200 responses: %d\n", failed))
  io.write(string.format("socket errors: %d (connect %d, read %d, write %d, timeout %d)\n",
    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout))
end
EOF

say "wrk: ${DURATION}s, $CONNECTIONS connections, GET $PAGE through nginx; SIG$SIGNAL to instance 1 after ${KILL_AFTER}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/count.lua" "$PROXY$PAGE" >"$WORK/wrk.out" &
WRK_PID="$!"
sleep "$KILL_AFTER"
kill -s "$SIGNAL" "${INSTANCE_PIDS[0]}"
say "instance 1 (pid ${INSTANCE_PIDS[0]}) sent SIG$SIGNAL"
wait "$WRK_PID"

requests="$(sed -n 's/^requests: //p' "$WORK/wrk.out")"
non_200="$(sed -n 's/^non-200 responses: //p' "$WORK/wrk.out")"
socket="$(sed -n 's/^socket errors: \([0-9]*\).*/\1/p' "$WORK/wrk.out")"
retried="$(grep -c 'while reading response header from upstream\|while connecting to upstream\|prematurely closed' "$WORK/nginx/logs/error.log" || true)"
sed -n '/Latency Distribution/,/99%/p;/Requests\/sec/p' "$WORK/wrk.out"
cat <<EOF

requests through nginx:                 $requests
upstream errors nginx retried elsewhere: $retried
failed requests (non-200 + socket):     $((non_200 + socket))   ($non_200 non-200, $socket socket errors)
EOF
curl -fsS -o /dev/null "$PROXY$PAGE" && echo "the site is still served by instance 2"
