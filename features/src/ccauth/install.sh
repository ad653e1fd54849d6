#!/bin/sh
# Installs ccauth into a dev container image (devcontainers Feature spec:
# runs as root at build time; options arrive as upper-case variables). The
# GitHub Action installs with it too.
#
# The binary is a pinned release's static build for this CPU, and its SHA-256
# must match the checksum file published with the binaries (the Feature
# carries the one of its own release). It comes from, in this order:
#   CCAUTH_ARTIFACTS  a directory holding the release assets (offline builds)
#   curl or wget      from the release on CCAUTH_RELEASES
#   npm               `npm pack` of the platform package (no curl or wget needed)
#
# VERSION           release to install (default: the one this Feature comes from)
# RUNDOCTORONSTART  "true" to run `ccauth doctor` on every start
# CCAUTH_BINARY     install this binary instead (yours: no checksum is asked)
# CCAUTH_RELEASES   where releases are published (default: from release.env)
# CCAUTH_NPM_SPEC   what npm fetches (default: ccauth-linux-<cpu>@VERSION)
# CCAUTH_PREFIX     install prefix (/usr/local)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# Written by dist/feature-pack: FEATURE_VERSION and CCAUTH_RELEASES_HOME.
FEATURE_VERSION=""
CCAUTH_RELEASES_HOME=""
if [ -f "$here/release.env" ]; then
  . "$here/release.env"
fi
VERSION="${VERSION:-$FEATURE_VERSION}"
RUNDOCTORONSTART="${RUNDOCTORONSTART:-true}"
PREFIX="${CCAUTH_PREFIX:-/usr/local}"
RELEASES="${CCAUTH_RELEASES:-$CCAUTH_RELEASES_HOME}"

fail() {
  echo "ccauth: $*" >&2
  exit 1
}

case "$(uname -m)" in
  x86_64 | amd64) target="x86_64-unknown-linux-musl" npm_cpu="x64" ;;
  aarch64 | arm64) target="aarch64-unknown-linux-musl" npm_cpu="arm64" ;;
  *) fail "no build for $(uname -m): the releases are static Linux binaries for x86_64 and aarch64" ;;
esac
asset="ccauth-$target"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copies one release asset into $work, from wherever it can be had.
fetch_asset() {
  name="$1"
  url="$RELEASES/download/v$VERSION/$name"
  if [ -n "${CCAUTH_ARTIFACTS:-}" ]; then
    cp "$CCAUTH_ARTIFACTS/$name" "$work/$name" || fail "$name is not in CCAUTH_ARTIFACTS ($CCAUTH_ARTIFACTS)"
  elif [ -z "$RELEASES" ]; then
    fail "no release address: set CCAUTH_RELEASES (this install.sh was not packaged with a release.env)"
  elif command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$work/$name" "$url" || fail "cannot download $url"
  elif command -v wget >/dev/null 2>&1; then
    wget -qO "$work/$name" "$url" || fail "cannot download $url"
  else
    return 1
  fi
}

# The platform package's binary, through npm (which checks the tarball's
# integrity against the registry); the SHA-256 is checked below all the same.
fetch_with_npm() {
  command -v npm >/dev/null 2>&1 || fail "downloading ccauth $VERSION needs curl, wget or npm, and none is installed; install one of them first (or set CCAUTH_BINARY to a ccauth binary)"
  spec="${CCAUTH_NPM_SPEC:-ccauth-linux-$npm_cpu@$VERSION}"
  tarball=$(cd "$work" && npm pack --silent "$spec") || fail "npm cannot fetch $spec"
  tar -xzf "$work/$tarball" -C "$work" package/ccauth || fail "$spec has no ccauth binary"
  mv "$work/package/ccauth" "$work/$asset"
}

# The expected checksum: the Feature's own for its release, else the
# release's SHA256SUMS.
checksums() {
  if [ "$VERSION" = "$FEATURE_VERSION" ] && [ -f "$here/SHA256SUMS" ]; then
    cp "$here/SHA256SUMS" "$work/SHA256SUMS"
  elif ! fetch_asset SHA256SUMS; then
    fail "the checksum of ccauth $VERSION is not in this Feature (it carries ${FEATURE_VERSION:-none}), and fetching SHA256SUMS needs curl or wget"
  fi
}

verify() {
  command -v sha256sum >/dev/null 2>&1 || fail "sha256sum is needed to verify the download (coreutils or busybox)"
  expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
  [ -n "$expected" ] || fail "SHA256SUMS has no line for $asset"
  actual=$(sha256sum "$work/$asset" | awk '{ print $1 }')
  [ "$actual" = "$expected" ] || fail "SHA-256 mismatch for $asset $VERSION: expected $expected, got $actual; nothing was installed"
}

mkdir -p "$PREFIX/bin" "$PREFIX/share/ccauth"
if [ -n "${CCAUTH_BINARY:-}" ]; then
  cp "$CCAUTH_BINARY" "$work/$asset"
else
  [ -n "$VERSION" ] || fail "no version to install: set the Feature's version option (for example \"0.1.0\")"
  case "$VERSION" in
    latest) fail "versions are pinned: set version to a release number such as ${FEATURE_VERSION:-0.1.0}, not latest" ;;
  esac
  checksums
  fetch_asset "$asset" || fetch_with_npm
  verify
  cp "$work/SHA256SUMS" "$PREFIX/share/ccauth/SHA256SUMS"
  echo "ccauth: $asset $VERSION verified (sha256 $expected)"
fi
install -m 0755 "$work/$asset" "$PREFIX/bin/ccauth"

# The post-start hook reports and never fails the container start.
cat > "$PREFIX/share/ccauth/post-start.sh" <<HOOK
#!/bin/sh
if [ "$RUNDOCTORONSTART" = "true" ]; then
  "$PREFIX/bin/ccauth" doctor || true
fi
exit 0
HOOK
chmod 0755 "$PREFIX/share/ccauth/post-start.sh"
"$PREFIX/bin/ccauth" --version
