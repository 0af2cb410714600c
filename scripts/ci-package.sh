#!/usr/bin/env bash
# What a user installs: packs this checkout (npm pack, which builds dist/ through prepack), installs the tarball
# into a fresh project as `npm install -D <tarball>` would, twice, on a PATH without Python, make or a C compiler:
# once as is (net-ping, optional, fails to build and is left out) and once with --omit=optional. Each install must
# succeed, run `swarmlint lint` on the example and `swarmlint audit --help`, and stay within the budget; the
# --omit=optional install must skip ICMP with the reason. Prints the figures (packages, MB, seconds).
#
#   bash scripts/ci-package.sh          (npm run test:package; .ci/run runs it)
#   KEEP=1 bash scripts/ci-package.sh   keeps the scratch folder and says where it is
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# The budget: packages installed (swarmlint and every dependency, each folder of node_modules with a package.json)
# and MB of node_modules.
MAX_PACKAGES=${MAX_PACKAGES:-18}
MAX_MB=${MAX_MB:-16}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/swarmlint-package.XXXXXX")
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$scratch"' EXIT; else echo "scratch: $scratch"; fi

fail() {
  echo "ci-package: FAIL: $*" >&2
  exit 1
}

# A PATH without compilers: every folder of PATH mirrored by symlinks, less the tools node-gyp needs.
nocc="$scratch/bin"
mkdir -p "$nocc"
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for exe in "$dir"/*; do
    name=${exe##*/}
    case $name in
      python* | make | gmake | cc | c++ | gcc* | g++* | clang* | cpp* | *-gcc* | *-g++*) continue ;;
    esac
    [ -x "$exe" ] && [ ! -e "$nocc/$name" ] && ln -s "$exe" "$nocc/$name"
  done
done
for tool in python3 make cc c++ gcc g++; do
  if PATH=$nocc command -v "$tool" >/dev/null; then fail "$tool is still on the compiler-less PATH"; fi
done

echo "== npm pack"
npm pack --silent --pack-destination "$scratch" >"$scratch/pack.out"
tarball="$scratch/$(tail -n 1 "$scratch/pack.out")"
[ -f "$tarball" ] || fail "npm pack gave no tarball"
echo "$(basename "$tarball"): $(($(stat -c %s "$tarball") / 1024)) KiB"

install() { # <label> [npm install options]
  local label=$1
  shift
  local project="$scratch/$label"
  mkdir -p "$project"
  printf '{ "name": "scratch-%s", "version": "1.0.0", "private": true }\n' "$label" >"$project/package.json"
  local started
  started=$(date +%s)
  if ! (cd "$project" && PATH=$nocc npm install --no-audit --no-fund -D "$@" "$tarball" >"$project/install.log" 2>&1); then
    cat "$project/install.log" >&2
    fail "$label: npm install failed without a compiler"
  fi
  local seconds=$(($(date +%s) - started))
  local packages locked mb
  packages=$(find "$project/node_modules" -name package.json -path '*/node_modules/*' |
    grep -cE '/node_modules/(@[^/]+/)?[^/@]+/package\.json$')
  locked=$(node -e 'console.log(Object.keys(require(process.argv[1]).packages).filter((k) => k !== "").length)' "$project/package-lock.json")
  mb=$(du -sm "$project/node_modules" | cut -f1)
  echo "$label: $packages packages installed ($locked in the lockfile), $mb MB, ${seconds}s (npm install -D ${*:+$* }<tarball>)"
  [ "$packages" -le "$MAX_PACKAGES" ] || fail "$label: $packages packages, over the budget of $MAX_PACKAGES"
  [ "$mb" -le "$MAX_MB" ] || fail "$label: $mb MB, over the budget of $MAX_MB MB"
  for heavy in typescript eslint dockerode @grpc/grpc-js ssh2; do
    [ ! -e "$project/node_modules/$heavy" ] || fail "$label: $heavy is installed"
  done
  if grep -q 'swarmlint@' "$project/install.log"; then
    grep 'swarmlint@' "$project/install.log" >&2
    fail "$label: npm names swarmlint (an install script?)"
  fi

  cp "$repo/examples/docker-stack.yml" "$project/"
  local out
  out=$(cd "$project" && PATH=$nocc npx --no-install swarmlint lint docker-stack.yml 2>&1) || fail "$label: swarmlint lint failed: $out"
  grep -q 'problem' <<<"$out" || fail "$label: swarmlint lint printed no summary: $out"
  (cd "$project" && PATH=$nocc npx --no-install swarmlint audit --help >/dev/null) || fail "$label: swarmlint audit --help failed"
  # The plugin entry point loads without ESLint installed.
  (cd "$project" && node --input-type=module -e "const p = (await import('swarmlint')).default; if (!p.rules) process.exit(1);") ||
    fail "$label: import('swarmlint') failed"
}

install default
install omit-optional --omit=optional

# The plugin in a project's own ESLint, for each major the peer range allows: no ERESOLVE, no second ESLint, and
# the recommended config reports on the example.
eslint_plugin() { # <major>
  local project="$scratch/eslint-$1"
  mkdir -p "$project"
  printf '{ "name": "scratch-eslint-%s", "version": "1.0.0", "private": true, "type": "module" }\n' "$1" >"$project/package.json"
  printf "import swarmlint from 'swarmlint';\nexport default [{ files: ['**/*.yml'], ...swarmlint.configs.recommended }];\n" >"$project/eslint.config.js"
  cp "$repo/examples/docker-stack.yml" "$project/"
  if ! (cd "$project" && PATH=$nocc npm install --no-audit --no-fund -D "$tarball" "eslint@$1" >"$project/install.log" 2>&1); then
    cat "$project/install.log" >&2
    fail "eslint $1: npm install failed"
  fi
  [ ! -e "$project/node_modules/swarmlint/node_modules/eslint" ] || fail "eslint $1: a second ESLint under swarmlint"
  local out version
  version=$(cd "$project" && npx --no-install eslint --version)
  out=$(cd "$project" && PATH=$nocc npx --no-install eslint docker-stack.yml 2>&1) || fail "eslint $version: $out"
  grep -q 'swarmlint/encrypted-overlay-prerequisites' <<<"$out" || fail "eslint $version: no swarmlint finding: $out"
  echo "eslint $version: the plugin reports on the example"
}
eslint_plugin 9
eslint_plugin 10

echo "== preflight without net-ping"
reason=$(cd "$scratch/omit-optional" &&
  node --input-type=module -e "const m = await import('./node_modules/swarmlint/dist/probes/adapters/ping.js'); const r = m.icmpAvailable(); console.log(r.ok ? 'available' : r.reason);")
[ "$reason" != available ] || fail "ICMP available without net-ping"
grep -q '^net-ping is not installed' <<<"$reason" || fail "ICMP skipped for another reason: $reason"
echo "ICMP skipped: $reason"
echo "== package: ok"
