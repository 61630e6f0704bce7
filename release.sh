#!/usr/bin/env bash
# Builds the release artifacts into dist/ and prints what it made:
#   ayo_tickets-<v>-cp39-abi3-manylinux_2_28_x86_64.whl   Python >= 3.9 (abi3), glibc >= 2.28
#   ayo_tickets-<v>.tar.gz                                 the Python sdist (builds with Rust)
#   ayo-tickets-<v>.tgz                                    npm: the JS loader and index.d.ts
#   ayo-tickets-linux-x64-gnu-<v>.tgz                      npm: the prebuilt addon it loads
#   ayo-<v>-x86_64-linux-gnu                               the `ayo` CLI, stripped, glibc >= 2.28
#   SHA256SUMS
# Needs cargo, python3 (with venv), node and npm; installs its own build tools on first use
# into $CARGO_TARGET_DIR/release-tools (zig and maturin from PyPI, cargo-zigbuild from
# crates.io), so a warm target/ reuses them. The version is the workspace's (Cargo.toml,
# [workspace.package]); the npm files must carry the same (checked here).
# Usage: ./release.sh            (AYO_RELEASE_TARGETS="x86_64-unknown-linux-gnu ..." to choose)
set -euo pipefail
cd "$(dirname "$0")"
root="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
tools="$CARGO_TARGET_DIR/release-tools"
dist="$root/dist"
glibc=2.28
step() { printf '\n==> %s\n' "$*"; }
die() { echo "release.sh: $*" >&2; exit 1; }
started=$SECONDS

for tool in cargo python3 node npm objdump; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

step "version"
version=$(cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print({p["name"]: p["version"] for p in json.load(sys.stdin)["packages"]}["ayo-tickets"])')
# One version: the workspace's. The npm package states it too (package.json, and the loader
# napi generated from it); a release with two versions is refused.
npm_version=$(node -p 'require("./ayo-node/package.json").version')
[ "$npm_version" = "$version" ] || die "ayo-node/package.json says $npm_version, Cargo.toml says $version: set one version"
if grep -q "expected [0-9]" ayo-node/binding.js && ! grep -q "expected $version but" ayo-node/binding.js; then
  die "ayo-node/binding.js was generated for another version: run npm run build in ayo-node and commit it"
fi
echo "$version"

# Targets this script builds. Only x86_64 Linux (glibc) is built and tested here. The same
# steps would build aarch64-unknown-linux-gnu where that Rust target is installed, and the two
# macOS targets where the macOS SDK is there too (SDKROOT); neither was tried here.
targets="${AYO_RELEASE_TARGETS:-x86_64-unknown-linux-gnu}"

step "build tools (in $tools)"
mkdir -p "$tools"
if [ ! -x "$tools/venv/bin/maturin" ] || [ ! -x "$tools/venv/bin/python-zig" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install -q --disable-pip-version-check "maturin==1.16.0" "ziglang==0.17.1"
fi
if [ ! -x "$tools/bin/cargo-zigbuild" ]; then
  cargo install --locked --quiet cargo-zigbuild --version "0.24.1" --root "$tools"
fi
# maturin and cargo-zigbuild find zig through the ziglang package (python -m ziglang).
export PATH="$tools/bin:$tools/venv/bin:$PATH"
[ -d ayo-node/node_modules/@napi-rs/cli ] || (cd ayo-node && npm install --no-audit --no-fund)

rm -rf "$dist"
mkdir -p "$dist"
stage="$CARGO_TARGET_DIR/release-stage"
rm -rf "$stage"
mkdir -p "$stage"

# The highest GLIBC_ symbol version a binary needs: at most $glibc, or the release stops.
check_glibc() {
  local need
  need=$(objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  printf '%s needs glibc %s\n' "${1##*/}" "$need"
  [ "$(printf '%s\n%s\n' "$need" "$glibc" | sort -V | tail -1)" = "$glibc" ] \
    || die "${1##*/} needs glibc $need, more than $glibc"
}

for target in $targets; do
  case "$target" in
    x86_64-unknown-linux-gnu) npm_platform=linux-x64-gnu ;;
    aarch64-unknown-linux-gnu) npm_platform=linux-arm64-gnu ;;
    x86_64-apple-darwin) npm_platform=darwin-x64 ;;
    aarch64-apple-darwin) npm_platform=darwin-arm64 ;;
    *) die "$target: not built by this script (Windows would need cargo-xwin)" ;;
  esac
  zig_target="$target"
  [[ "$target" == *-linux-gnu ]] && zig_target="$target.$glibc"
  out="$CARGO_TARGET_DIR/$target/release"

  step "$target: the ayo binary and the Node addon (cargo zigbuild, glibc $glibc)"
  cargo zigbuild --release --locked --target "$zig_target" -p ayo-cli -p ayo-node
  so=".so"
  [[ "$target" == *-apple-darwin ]] && so=".dylib"
  bin="$dist/ayo-$version-${target/-unknown/}"
  bin="${bin/-apple-darwin/-macos}"
  cp "$out/ayo" "$bin"
  addon="$stage/ayo-tickets.$npm_platform.node"
  cp "$out/libayo_node$so" "$addon"
  if [[ "$target" == *-linux-gnu ]]; then
    strip_tool=strip
    [[ "$target" == x86_64-* ]] || strip_tool="${target%%-*}-linux-gnu-strip"
    "$strip_tool" "$bin" "$addon"
    check_glibc "$bin"
    check_glibc "$addon"
  fi

  step "$target: the Python wheel (maturin, zig, manylinux_2_28 audit)"
  compat=()
  [[ "$target" == *-linux-gnu ]] && compat=(--compatibility "manylinux_${glibc/./_}")
  # A target dir of its own: maturin's zig set-up differs from cargo-zigbuild's, and in one
  # dir each would rebuild every crate the other built. No debug info: --strip drops it.
  CARGO_PROFILE_RELEASE_DEBUG=false \
    maturin build --release --locked --strip --zig "${compat[@]}" --target "$target" \
    --target-dir "$CARGO_TARGET_DIR/wheel" -m ayo-py/Cargo.toml --out "$dist"

  step "$target: the npm platform package ayo-tickets-$npm_platform"
  # napi's own layout: create-npm-dirs writes each platform's package.json (os, cpu, libc,
  # main) from ayo-node/package.json; the addon goes beside it.
  if [ ! -d "$stage/node/npm" ]; then
    mkdir -p "$stage/node"
    cp ayo-node/package.json ayo-node/index.js ayo-node/binding.js ayo-node/index.d.ts "$stage/node/"
    ayo-node/node_modules/.bin/napi create-npm-dirs --cwd "$stage/node" --npm-dir npm >/dev/null
  fi
  mv "$addon" "$stage/node/npm/$npm_platform/"
  (cd "$stage/node/npm/$npm_platform" && npm pack --silent --pack-destination "$dist" >/dev/null)
  echo "$npm_platform" >>"$stage/node/built"
done

step "the Python sdist"
maturin sdist -m ayo-py/Cargo.toml --out "$dist"

step "the npm package ayo-tickets (loader and types; the addon comes from the platform packages)"
# As napi pre-publish does: the main package names each platform package built here as an
# optional dependency, so npm installs the one that fits the machine and skips the others.
(cd "$stage/node" && node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  const built = fs.readFileSync("built", "utf8").trim().split("\n");
  pkg.optionalDependencies = Object.fromEntries(built.map((p) => [`${pkg.name}-${p}`, pkg.version]));
  pkg.files = ["index.js", "binding.js", "index.d.ts"];
  for (const key of ["devDependencies", "overrides", "scripts"]) delete pkg[key];
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
' && rm built && npm pack --silent --pack-destination "$dist" >/dev/null)
tar -tzf "$dist/ayo-tickets-$version.tgz" | grep -q '\.node$' && die "the main npm package holds an addon"

step "the core crate: cargo publish --dry-run -p ayo-tickets (packaged and built, not uploaded)"
dirty=()
[ -z "$(git status --porcelain 2>/dev/null)" ] || dirty=(--allow-dirty)
cargo publish --dry-run --locked -p ayo-tickets "${dirty[@]}"

step "SHA256SUMS"
(cd "$dist" && sha256sum -- * >SHA256SUMS && cat SHA256SUMS)

step "made in $((SECONDS - started)) s: $dist"
ls -l "$dist"
