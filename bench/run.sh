#!/usr/bin/env bash
# Throughput of backcare against nginx serving the same bytes, on this machine.
#
#   bench/run.sh                      3 rounds of 10 s per target, 64 connections, 2 wrk threads
#   BENCH_ROUNDS=5 BENCH_DURATION=20 BENCH_PAGE=/articles/heat-therapy bench/run.sh
#   BENCH_MODES=off bench/run.sh      only the fully pre-rendered article pages
#
# Builds the release binary and starts it twice: as deployed (the reader discussion on, so the
# article page is the pre-rendered article with its discussion put in, assembled once per change
# of its posts) and with `--comments off` (the article page is one pre-rendered block of bytes).
# Starts an nginx with its own temporary configuration that serves, for each, the exact page
# backcare rendered (fetched with curl, and checked byte for byte) with the same security and
# cache headers. Then runs wrk against each in
# turn on the same page with the same connections, alternating so no target gets the quieter
# minute (each round's pair back to back, first in turn; the ratio is given both as the ratio of
# the medians and as the median of the rounds' paired ratios), then the symptom checker: POST of a typical form to each instance, with the rate
# limits off (wrk is one client and would otherwise get 429s), and finally a search
# (GET /search?q=sciatica, or BENCH_SEARCH), rendered per request from the search index.
# Runs with errors are not figures: the errors column must read 0.
# The same POST is then sent to a third instance whose rate limit is on but far too high to
# refuse anything, once as one client and once as 65,536 clients (X-Forwarded-For from a trusted
# proxy), so the limiter's own cost shows: the difference from the first checker POST.
#
# The article pages are measured twice: as above (no Accept-Encoding, the 19.6 KB page), and as
# browsers ask for them (`Accept-Encoding: gzip, deflate, br`), where backcare sends its
# brotli copy and nginx the same brotli bytes from a .br file beside the page (brotli_static).
#
# Prints requests/s, p50 and p99 per target and the ratio backcare/nginx. Installs Debian's
# nginx, its brotli_static module, wrk and curl with apt-get when they are missing. For humans, not CI: on a shared
# machine, anything else running moves the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${BENCH_ROUNDS:-3}"
DURATION="${BENCH_DURATION:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
PAGE="${BENCH_PAGE:-/articles/lifting-safely}"
read -r -a MODES <<<"${BENCH_MODES:-moderated off}"
SEARCH="${BENCH_SEARCH:-/search?q=sciatica}"
FORM='warning=none&location=lower&onset=sudden&duration=under-1-week&severity=3&age=30&pregnant=no&trigger=lifting&trigger=exercise&symptom=none&history=none&eased_by=heat'

say() { printf '==> %s\n' "$*" >&2; }

# A loopback port nothing listens on.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768+)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

need() {
  local missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    say "installing ${missing[*]} (Debian packages)"
    local sudo=""
    [[ $EUID -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
need nginx wrk curl
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
BROTLI_MODULE=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
if [[ ! -f "$BROTLI_MODULE" ]]; then
  sudo=""
  [[ $EUID -ne 0 ]] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libnginx-mod-http-brotli-static >/dev/null
fi
BROWSER_ENCODINGS="gzip, deflate, br"

say "building the release binary"
cargo build --release --quiet

WORK="$(mktemp -d)"
chmod 755 "$WORK" # nginx's workers run as an unprivileged user and must read the pages
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_backcare NAME [flags...]: starts the release binary on 127.0.0.1:0 and sets ADDRESS.
# (Not a $(...) substitution: its PID must be remembered in this shell, for the cleanup.)
start_backcare() {
  local log="$WORK/$1.log"
  shift
  : >"$log.out"
  # Its own database, never the repository's; the default log level, as in production.
  DATABASE_URL="sqlite://$WORK/backcare.db?mode=rwc" \
    ./target/release/backcare --bind 127.0.0.1:0 "$@" >"$log.out" 2>"$log" &
  PIDS+=("$!")
  ADDRESS=""
  for _ in $(seq 300); do
    ADDRESS="$(sed -n 's/^backcare: serving .* at http:\/\/\(.*\)$/\1/p' "$log.out")"
    [[ -n "$ADDRESS" ]] && break
    sleep 0.1
  done
  [[ -n "$ADDRESS" ]] || { cat "$log" >&2; echo "backcare did not start" >&2; exit 1; }
  # Wait for the background compression too, so it does not steal CPU from the first round.
  for _ in $(seq 300); do
    grep -q 'precompressed pages' "$log" && break
    sleep 0.1
  done
}

declare -A BACKCARE_AT NGINX_AT
for mode in "${MODES[@]}"; do
  say "starting backcare --comments $mode"
  # wrk is one address standing for many readers, as a proxy is: its connections must not meet
  # the per-client cap (64, the same as wrk's 64 connections). With the cap, a run now and then
  # began with a 65th connection refused ("closed a connection over its client's share" in the
  # server's debug log, once for each of wrk's "read 1" errors of a run on 2026-12-08).
  start_backcare "backcare-$mode" --comments "$mode" --checker-rate-limit 0 --search-rate-limit 0 \
    --max-connections-per-client $((CONNECTIONS * 16)) ${BACKCARE_FLAGS:-}
  BACKCARE_AT[$mode]="$ADDRESS"
  mkdir -p "$WORK/www-$mode$(dirname "$PAGE")"
  curl -fsS "http://$ADDRESS$PAGE" -o "$WORK/www-$mode$PAGE"
  # The brotli copy, as sent (curl does not decode it without --compressed). With the
  # discussion on, the assembled page is compressed in the background after its first request.
  for _ in $(seq 100); do
    curl -fsS -H "Accept-Encoding: $BROWSER_ENCODINGS" -D "$WORK/br-headers" \
      "http://$ADDRESS$PAGE" -o "$WORK/www-$mode$PAGE.br"
    grep -qi '^content-encoding: br' "$WORK/br-headers" && break
    sleep 0.1
  done
  grep -qi '^content-encoding: br' "$WORK/br-headers" ||
    { echo "backcare --comments $mode sent no brotli copy of $PAGE" >&2; exit 1; }
done
FIRST="${BACKCARE_AT[${MODES[0]}]}"
# The limiter on, at a rate wrk never reaches (the flag is a u32 per minute), believing
# X-Forwarded-For from loopback so one wrk can be many clients.
say "starting backcare --comments off with the checker's rate limit on"
start_backcare backcare-limited --comments off --checker-rate-limit 4000000000 \
  --checker-burst 4000000000 --trusted-proxy 127.0.0.1
LIMITED="$ADDRESS"

header() { # header NAME [ADDRESS]: a header backcare sends for the page, for nginx to send too
  curl -fsS -D - -o /dev/null "http://${2:-$FIRST}$PAGE" | tr -d '\r' | sed -n "s/^$1: //Ip"
}
mkdir -p "$WORK/nginx/logs"
{
  cat <<EOF
# A stock, production-like nginx: one worker per core, sendfile, access log, keep-alive.
load_module $BROTLI_MODULE;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log $WORK/nginx/logs/access.log;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  server_tokens off;
  default_type "text/html; charset=utf-8";
  # page.br beside page, for clients that accept brotli, as backcare's own copy.
  brotli_static on;
EOF
  for mode in "${MODES[@]}"; do
    NGINX_AT[$mode]="127.0.0.1:$(free_port)"
    # The headers backcare sent with this mode's page (Cache-Control differs between modes).
    printf '  server {\n    listen %s;\n    root %s;\n' "${NGINX_AT[$mode]}" "$WORK/www-$mode"
    for name in cache-control content-security-policy x-content-type-options referrer-policy \
      permissions-policy cross-origin-opener-policy; do
      printf '    add_header %s "%s" always;\n' "$name" "$(header "$name" "${BACKCARE_AT[$mode]}")"
    done
    printf '  }\n'
  done
  echo "}"
} >"$WORK/nginx/nginx.conf"
say "starting nginx with the pages backcare rendered"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/logs/error.log" &
PIDS+=("$!")
for mode in "${MODES[@]}"; do
  for _ in $(seq 50); do curl -fsS -o /dev/null "http://${NGINX_AT[$mode]}$PAGE" 2>/dev/null && break; sleep 0.1; done
  cmp -s <(curl -fsS "http://${BACKCARE_AT[$mode]}$PAGE") <(curl -fsS "http://${NGINX_AT[$mode]}$PAGE") ||
    { echo "nginx does not serve the same bytes as backcare --comments $mode" >&2; exit 1; }
  cmp -s <(curl -fsS -H "Accept-Encoding: $BROWSER_ENCODINGS" "http://${BACKCARE_AT[$mode]}$PAGE") \
    <(curl -fsS -H "Accept-Encoding: $BROWSER_ENCODINGS" "http://${NGINX_AT[$mode]}$PAGE") ||
    { echo "nginx does not serve the same brotli bytes as backcare --comments $mode" >&2; exit 1; }
done

cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.body = "$FORM"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF

# Each request from the next of 65,536 addresses in 10.0.0.0/16, so the limiter keeps that many.
cat >"$WORK/post-many.lua" <<EOF
local n = 0
request = function()
  n = (n + 1) % 65536
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = "10.0." .. math.floor(n / 256) .. "." .. (n % 256),
  }, "$FORM")
end
EOF

# wrk's latency percentiles are printed like "50%  1.23ms"; normalise to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# run NAME URL [wrk args...]: one wrk run; appends "name rps p50 p99 errors" to $WORK/results
run() {
  local name="$1" url="$2"
  shift 2
  local out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url")"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")"
  printf '%-28s %10.0f %8s %8s %7s\n' "$name" "$rps" "$p50" "$p99" "$errors" | tee -a "$WORK/results" >&2
  if ((errors)); then # which errors, and the slowest request, so a failed round can be explained
    grep -E 'Non-2xx|Socket errors|Latency ' <<<"$out" | sed 's/^/    /' >&2
  fi
}

say "warming up"
for mode in "${MODES[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://${BACKCARE_AT[$mode]}$PAGE" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://${NGINX_AT[$mode]}$PAGE" >/dev/null
done

say "$ROUNDS rounds of ${DURATION}s, $CONNECTIONS connections, $THREADS wrk threads, GET $PAGE"
printf '%-28s %10s %8s %8s %7s\n' target req/s p50/ms p99/ms errors >&2
# pair ROUND NAME_A URL_A NAME_B URL_B [wrk args...]: both targets back to back, in turn first,
# so neither always gets the first (or the warmer) half of a round.
pair() {
  local round="$1" name_a="$2" url_a="$3" name_b="$4" url_b="$5"
  shift 5
  if ((round % 2)); then
    run "$name_a" "$url_a" "$@"
    run "$name_b" "$url_b" "$@"
  else
    run "$name_b" "$url_b" "$@"
    run "$name_a" "$url_a" "$@"
  fi
}
for round in $(seq "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    pair "$round" "backcare-comments-$mode" "http://${BACKCARE_AT[$mode]}$PAGE" \
      "nginx-comments-$mode" "http://${NGINX_AT[$mode]}$PAGE"
  done
done
say "the same, as browsers ask: Accept-Encoding: $BROWSER_ENCODINGS"
for round in $(seq "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    pair "$round" "backcare-br-$mode" "http://${BACKCARE_AT[$mode]}$PAGE" \
      "nginx-br-$mode" "http://${NGINX_AT[$mode]}$PAGE" -H "Accept-Encoding: $BROWSER_ENCODINGS"
  done
done
say "POST /symptom-checker, a typical form ($(printf %s "$FORM" | wc -c) bytes)"
for round in $(seq "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    run "checker-post-$mode" "http://${BACKCARE_AT[$mode]}/symptom-checker" -s "$WORK/post.lua"
  done
done

say "POST /symptom-checker with the rate limit on: one client, then 65,536"
for round in $(seq "$ROUNDS"); do
  run checker-post-limited "http://$LIMITED/symptom-checker" -s "$WORK/post.lua"
  run checker-post-limited-many "http://$LIMITED/symptom-checker" -s "$WORK/post-many.lua"
done

say "GET $SEARCH, rendered per request"
for round in $(seq "$ROUNDS"); do
  run search "http://$FIRST$SEARCH"
done

# The median of the rounds per target, so one noisy round does not decide.
median() { awk -v name="$1" -v col="$2" '$1 == name {print $col}' "$WORK/results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { printf '%-36s %10s %8s %8s\n' "$1" "$(median "$2" 2)" "$(median "$2" 3)" "$(median "$2" 4)"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# The ratio A/B of each round's pair (run back to back, so the machine was in one state for
# both), then their median and range: steadier than the ratio of two medians on a busy machine.
paired() {
  awk -v a="$1" -v b="$2" '$1 == a {x[++i] = $2} $1 == b {y[++j] = $2}
    END {for (k = 1; k <= i && k <= j; k++) print x[k] / y[k]}' "$WORK/results" | sort -n |
    awk '{r[NR] = $1} END {printf "%.2f (rounds from %.2f to %.2f)", r[int((NR + 1) / 2)], r[1], r[NR]}'
}

echo
printf '%-36s %10s %8s %8s\n' "median of $ROUNDS rounds" req/s p50/ms p99/ms
for mode in "${MODES[@]}"; do
  row "backcare --comments $mode" "backcare-comments-$mode"
  row "nginx, same $(wc -c <"$WORK/www-$mode$PAGE") bytes" "nginx-comments-$mode"
done
for mode in "${MODES[@]}"; do
  row "backcare --comments $mode, brotli" "backcare-br-$mode"
  row "nginx, same $(wc -c <"$WORK/www-$mode$PAGE.br") brotli bytes" "nginx-br-$mode"
done
for mode in "${MODES[@]}"; do
  row "checker POST, --comments $mode" "checker-post-$mode"
done
row "checker POST, limit on, 1 client" checker-post-limited
row "checker POST, limit on, 65,536 clients" checker-post-limited-many
row "search GET $SEARCH" search
echo
for mode in "${MODES[@]}"; do
  echo "ratio backcare/nginx, --comments $mode: $(ratio "$(median "backcare-comments-$mode" 2)" "$(median "nginx-comments-$mode" 2)")   target >= 1.3"
  echo "  median of the rounds' paired ratios: $(paired "backcare-comments-$mode" "nginx-comments-$mode")"
done
for mode in "${MODES[@]}"; do
  echo "ratio backcare/nginx, --comments $mode, brotli as browsers ask: $(ratio "$(median "backcare-br-$mode" 2)" "$(median "nginx-br-$mode" 2)")"
  echo "  median of the rounds' paired ratios: $(paired "backcare-br-$mode" "nginx-br-$mode")"
done
LAST="${MODES[${#MODES[@]}-1]}"
for mode in "${MODES[@]}"; do
  echo "checker POST / article (--comments $mode): $(ratio "$(median "checker-post-$mode" 2)" "$(median "backcare-comments-$mode" 2)")   target >= 0.6 (--comments off)"
done
echo "search / article (--comments ${MODES[0]}): $(ratio "$(median search 2)" "$(median "backcare-comments-${MODES[0]}" 2)")   target >= 0.3"
echo "p99 target: < 10 ms; errors (non-2xx and socket errors) should be 0"
