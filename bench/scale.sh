#!/usr/bin/env bash
# How backcare copes with a large site: 1,000 and 10,000 articles.
#
#   bench/scale.sh                                    1,000 then 10,000 articles, both comment modes
#   SCALE_ARTICLES=5000 SCALE_MODES=off bench/scale.sh
#
# Generates the articles into a temporary folder (the 18 bundled articles plus copies of them
# under new names and titles, so every internal link, shortcode and diagram still resolves and
# the pages are as big as real ones), starts the release binary on them, as deployed (the reader
# discussion on) and with `--comments off`, and reports for each:
#   - load time: reading, checking and rendering every page, as logged by backcare, and the
#     wall time from starting the process until /healthz answers (targets: under 1 s);
#   - the time the background thread takes to brotli every page (gzip is made per page on the
#     first request from a client that takes gzip but not brotli);
#   - resident memory (VmRSS from /proc/<pid>/status) once serving, once every page is
#     compressed, and after fetching every article once, plain and with brotli; and the peak
#     (VmHWM) (target: under 100 MB at 1,000 articles, 400 MB at 10,000);
#   - the time to build the search index (part of the load time), and with wrk installed, a
#     search's requests/s and p99 over 5 s at 64 connections (GET /search?q=sciatica).
# At 10,000 articles the target for load time is 3 s.
# For humans, not CI.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a SIZES <<<"${SCALE_ARTICLES:-1000 10000}"
SEARCH="${SCALE_SEARCH:-/search?q=sciatica}"

say() { printf '==> %s\n' "$*" >&2; }

command -v curl >/dev/null || { echo "needs curl (apt-get install curl)" >&2; exit 1; }

say "building the release binary"
cargo build --release --quiet

WORK="$(mktemp -d)"
PID=""
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# generate N: the bundled articles plus copies up to N, in $WORK/articles.
generate() {
  local ARTICLES="$1"
  say "generating $ARTICLES articles"
  rm -rf "$WORK/articles"
  mkdir -p "$WORK/articles"
  cp articles/*.md "$WORK/articles/"
  mapfile -t originals < <(ls articles/*.md)
  count="${#originals[@]}"
  for ((n = count; n < ARTICLES; n++)); do
    source="${originals[$((n % count))]}"
    slug="$(basename "$source" .md)-copy-$n"
    # A new title, so titles stay unique; everything else, links included, as in the original.
    sed -e "0,/^title = \"\(.*\)\"$/s//title = \"\1, part $n\"/" "$source" >"$WORK/articles/$slug.md"
  done
  ls "$WORK/articles" | wc -l | xargs printf '    %s files, ' >&2
  du -sh "$WORK/articles" | cut -f1 | xargs printf '%s of Markdown\n' >&2

  for file in "$WORK"/articles/*.md; do
    echo "url = \"/articles/$(basename "$file" .md)\""
    echo "output = \"/dev/null\""
  done >"$WORK/paths"
}

rss() { awk -v field="$1:" '$1 == field {printf "%.1f MB", $2 / 1024}' "/proc/$PID/status"; }
# The numbers backcare logs about itself, e.g. "elapsed_ms=412".
logged() { sed -n "s/.*$1.*elapsed_ms=\([0-9]*\).*/\1/p" "$WORK/log" | head -1; }

# measure MODE: starts backcare with `--comments MODE` on the generated articles and reports.
measure() {
  local mode="$1"
  say "starting backcare --comments $mode"
  rm -f "$WORK"/backcare.db*
  local start_ns
  : >"$WORK/out"
  start_ns="$(date +%s%N)"
  DATABASE_URL="sqlite://$WORK/backcare.db?mode=rwc" \
    ./target/release/backcare --bind 127.0.0.1:0 --articles "$WORK/articles" --comments "$mode" \
    >"$WORK/out" 2>"$WORK/log" &
  PID="$!"
  local address="" line serving='^backcare: serving .* at http://(.*)$'
  for _ in $(seq 1000); do
    # bash's own `read`, not a sed every 10 ms: forking one took CPU from the start-up being
    # measured (0.2 s at 10,000 articles on 2 cores).
    while IFS= read -r line; do
      if [[ $line =~ $serving ]]; then address="${BASH_REMATCH[1]}"; fi
    done <"$WORK/out"
    if [[ -n "$address" ]] && curl -fsS -o /dev/null "http://$address/healthz" 2>/dev/null; then break; fi
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
    sleep 0.01
  done
  local ready_ms=$((($(date +%s%N) - start_ns) / 1000000))
  # CPU time (user + system) spent until ready: this machine's speed moves between runs, and
  # this tells a slower machine from more work.
  local ready_cpu_ms
  ready_cpu_ms="$(awk -v tick="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / tick}' "/proc/$PID/stat")"
  local served rss_ready rss_compressed rss_used rss_peak
  served="$(sed -n 's/^backcare: serving \([0-9]*\) articles.*/\1/p' "$WORK/out")"
  rss_ready="$(rss VmRSS)"
  # brotli at quality 11 takes about 20 ms a page on one core: minutes at 10,000 articles.
  for _ in $(seq 9000); do
    grep -q 'precompressed pages' "$WORK/log" && break
    sleep 0.1
  done
  rss_compressed="$(rss VmRSS)"

  say "fetching every article once, plain and with brotli"
  sed "s|^url = \"|url = \"http://$address|" "$WORK/paths" >"$WORK/urls"
  curl -fsS --no-progress-meter --parallel --parallel-max 8 -K "$WORK/urls"
  curl -fsS --no-progress-meter --parallel --parallel-max 8 -H 'Accept-Encoding: br' -K "$WORK/urls"
  rss_used="$(rss VmRSS)"
  rss_peak="$(rss VmHWM)"
  local search_line="(install wrk to measure)"
  if command -v wrk >/dev/null; then
    local out
    out="$(wrk -t2 -c64 -d5s --latency "http://$address$SEARCH")"
    search_line="$(awk '/^Requests\/sec:/ {rps = $2} $1 == "99%" {p99 = $2} END {printf "%.0f req/s, p99 %s", rps, p99}' <<<"$out")"
  fi
  kill "$PID"
  wait "$PID" || true
  PID=""

  cat <<EOF

--comments $mode: $served articles
  load + check + index + render (logged): $(logged 'site loaded and rendered') ms      target < 1000 ms (1,000), 3000 ms (10,000)
    of which the search index:         $(logged 'search index built') ms
  process start to /healthz answering: $ready_ms ms (CPU used by then: $ready_cpu_ms ms)
  search $SEARCH:   $search_line      (reported; the 10 ms p99 target is bench/run.sh's, on the bundled articles)
  brotli of every page:                $(logged 'precompressed pages') ms (background thread, while serving)
  resident memory when serving:        $rss_ready
    once every page is compressed:     $rss_compressed
    after fetching every article:      $rss_used      target < 100 MB (1,000), 400 MB (10,000)
    peak (VmHWM):                      $rss_peak
EOF
}

for size in "${SIZES[@]}"; do
  generate "$size"
  for mode in ${SCALE_MODES:-moderated off}; do
    measure "$mode"
  done
done
