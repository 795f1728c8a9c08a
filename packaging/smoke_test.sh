#!/usr/bin/env bash
# `make package-test`: the bundle in dist/yanshou works on its own, and the installer script compiles.
#
#  1. the bundled executable runs `demo` offscreen, with data and config in temporary folders;
#  2. the demo's signed PDFs are there, each passes `verify` with the bundled executable, and
#     a copy with one byte changed fails it (so a pass means something);
#  3. the bundled window renders a master and a laptop database (--screenshot): Qt's plugins,
#     the CJK font and the translations load from the bundle;
#  4. the camera's back end (QtMultimedia's FFmpeg plugin) loads with the bundle's libraries;
#  5. with PostgreSQL installed here: the bundled program makes a master on a throwaway server,
#     merges the demo's exports and imports its sheets into it, and prints the same results as
#     the demo's SQLite master (the bundle's psycopg and SQLAlchemy's dialect are there);
#  6. makensis compiles packaging/windows/yanshou.nsi against this bundle (on Linux it only
#     proves the script compiles; the real installer is built on Windows by the release workflow).
#
# Usage: packaging/smoke_test.sh VERSION [NSIS_FLAGS…]   (the Makefile passes pyproject's version)
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: packaging/smoke_test.sh VERSION [makensis flags]}
shift
bundle=dist/yanshou
exe=$bundle/yanshou
[ -x "$exe" ] || { echo "no bundle at $bundle: run 'make package' first" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/yanshou-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export YANSHOU_DATA_DIR=$tmp/data YANSHOU_CONFIG_DIR=$tmp/config QT_QPA_PLATFORM=offscreen
# A run from the source tree must not help the bundle: no PYTHONPATH, not from the repository.
unset PYTHONPATH PYTHONHOME
here=$PWD
bundled() { (cd "$tmp" && "$here/$exe" "$@"); }

step() { printf '\n== %s\n' "$*"; }
fail() { echo "package-test: $*" >&2; exit 1; }

step "demo (bundled, offscreen)"
start=$SECONDS
bundled demo "$tmp/demo" >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log"; fail "the bundled demo failed"; }
tail -n 3 "$tmp/demo.log"
echo "demo: $((SECONDS - start)) s"

step "signed PDFs"
docs=$tmp/demo/documents
shopt -s nullglob
pdfs=("$docs"/*.pdf)
[ -f "$docs/验收结果汇总表.pdf" ] || fail "no 验收结果汇总表.pdf in $docs"
records=("$docs"/检查记录表-*.pdf)
problems=("$docs"/问题整改清单-*.pdf)
[ ${#records[@]} -ge 1 ] || fail "no 检查记录表 in $docs"
[ ${#problems[@]} -ge 1 ] || fail "no 问题整改清单 in $docs"
for pdf in "${pdfs[@]}"; do
  bundled verify "$pdf" >"$tmp/verify.log" 2>&1 || { cat "$tmp/verify.log"; fail "verify failed: $pdf"; }
done
echo "${#pdfs[@]} PDFs (${#records[@]} 检查记录表, ${#problems[@]} 问题整改清单, 1 验收结果汇总表): every signature verifies"
python3 - "$docs/验收结果汇总表.pdf" "$tmp/tampered.pdf" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 3] ^= 0x01
open(sys.argv[2], "wb").write(data)
EOF
if bundled verify "$tmp/tampered.pdf" >/dev/null 2>&1; then
  fail "verify accepted a PDF with a changed byte"
fi
echo "a PDF with one byte changed fails verify, as it should"
bundled verify "$tmp/demo/master.db" | tail -n 1

step "encryption at rest (bundled sqlcipher3; a passphrase: this machine has no protected store)"
YANSHOU_PASSPHRASE="smoke test passphrase" bundled init "$tmp/encrypted.db" --role field --inspector 张三 --encrypt | tail -n 1
head -c 16 "$tmp/encrypted.db" | grep -q "SQLite format 3" && fail "the laptop's database is in the clear"
YANSHOU_PASSPHRASE="smoke test passphrase" bundled verify "$tmp/encrypted.db" | tail -n 1
if bundled verify "$tmp/encrypted.db" >"$tmp/locked.log" 2>&1 </dev/null; then
  fail "an encrypted database opened without its passphrase"
fi
grep -q "passphrase" "$tmp/locked.log" || { cat "$tmp/locked.log"; fail "no word of the passphrase"; }
echo "the encrypted laptop opens with its passphrase and not without"

step "window (bundled, offscreen screenshots)"
bundled gui "$tmp/demo/master.db" --screenshot "$tmp/lead.png" || fail "the lead's desk did not render"
bundled gui "$tmp/demo/laptop-1.db" --screenshot "$tmp/field.png" || fail "the field window did not render"
for png in "$tmp/lead.png" "$tmp/field.png"; do
  [ -s "$png" ] || fail "empty screenshot $png"
done
mkdir -p build/package-test
cp "$tmp/lead.png" "$tmp/field.png" build/package-test/
echo "screenshots: build/package-test/lead.png, build/package-test/field.png"

step "camera back end (the bundle's FFmpeg plugin loads with what the bundle carries)"
# Without a camera here the window never loads it: load it directly, so a library stripped
# into an unloadable file or a missing dependency (QtQuick, FFmpeg) shows now, not on an
# inspector's laptop as "no camera".
for plugin in "$bundle"/_internal/PySide6/Qt/plugins/multimedia/*.so; do
  QT_LOGGING_RULES='qt.multimedia.*=false' python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$plugin" \
    || fail "the camera back end does not load: $plugin"
  echo "loads: ${plugin#"$bundle"/}"
done

step "a master on PostgreSQL (bundled)"
pg_bin=
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /none/x)")"; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/createdb" ]; then pg_bin=$dir; break; fi
done
if [ -n "$pg_bin" ]; then
  pg=$(mktemp -d "${TMPDIR:-/tmp}/yanshou-smoke-pg.XXXXXX")
  as_pg=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$pg"; as_pg=(runuser -u postgres --); fi  # initdb refuses root
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -o "-p $port -k $pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap '"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pg" "$tmp"' EXIT
  "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres smoke
  url=postgresql://postgres@127.0.0.1:$port/smoke
  bundled init "$url" --role master >/dev/null || fail "the bundled program could not make a master on PostgreSQL"
  bundled merge "$url" "$tmp"/demo/usb/* --enroll | tail -n 1
  bundled import-sheet "$url" "$tmp/demo/self-check.csv" --kind self-check >/dev/null
  bundled import-sheet "$url" "$tmp/demo/third-party.csv" --kind third-party >/dev/null
  bundled results "$url" --format csv >"$tmp/pg-results.csv"
  bundled results "$tmp/demo/master.db" --format csv >"$tmp/sqlite-results.csv"
  cmp -s "$tmp/pg-results.csv" "$tmp/sqlite-results.csv" || { diff "$tmp/sqlite-results.csv" "$tmp/pg-results.csv"; fail "the PostgreSQL master's results differ"; }
  echo "the PostgreSQL master's results equal the SQLite master's ($(($(wc -l <"$tmp/pg-results.csv") - 1)) counties)"
else
  echo "skipped: PostgreSQL is not installed here (Debian: apt-get install postgresql)"
fi

step "NSIS installer script (makensis against the Linux bundle)"
command -v makensis >/dev/null || fail "makensis not found (Debian: apt-get install nsis)"
out=$here/build/package-test/yanshou-$version-setup-linux-payload.exe
start=$SECONDS
makensis -V2 -DVERSION="$version" -DVERSION4="$(packaging/version4.sh "$version")" -DBUNDLE="$here/$bundle" -DOUTFILE="$out" "$@" \
  packaging/windows/yanshou.nsi
echo "installer: $(du -m "$out" | cut -f1) MB ($out), $((SECONDS - start)) s"
# a pre-release number compiles too (against a stand-in bundle: only the script is checked)
tiny=$(mktemp -d)
touch "$tiny/yanshou.exe" "$tiny/yanshou-cli.exe"
makensis -V1 -DVERSION=0.2.0rc1 -DVERSION4="$(packaging/version4.sh 0.2.0rc1)" -DBUNDLE="$tiny" -DOUTFILE="$tiny/setup.exe" \
  packaging/windows/yanshou.nsi
rm -rf "$tiny"
echo "a pre-release version (0.2.0rc1) compiles"

printf '\npackage-test: ok (bundle %s)\n' "$(du -sh "$bundle" | cut -f1)"
