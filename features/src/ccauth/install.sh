#!/bin/sh
# Installs ccauth into a dev container image (devcontainers Feature spec:
# runs as root at build time; options arrive as upper-case variables).
#
# VERSION           release to install ("latest" by default)
# RUNDOCTORONSTART  "true" to run `ccauth doctor` on every start
# CCAUTH_BINARY     a ccauth binary to install instead of downloading one
# CCAUTH_RELEASES   where releases are published
# CCAUTH_PREFIX     install prefix (/usr/local)
set -eu

VERSION="${VERSION:-latest}"
RUNDOCTORONSTART="${RUNDOCTORONSTART:-true}"
PREFIX="${CCAUTH_PREFIX:-/usr/local}"
RELEASES="${CCAUTH_RELEASES:-https://github.com/ccauth/ccauth/releases}"

arch="$(uname -m)"
case "$arch" in
  x86_64 | amd64) target="x86_64-unknown-linux-musl" ;;
  aarch64 | arm64) target="aarch64-unknown-linux-musl" ;;
  *) echo "ccauth: no build for $arch" >&2; exit 1 ;;
esac

mkdir -p "$PREFIX/bin" "$PREFIX/share/ccauth"
if [ -n "${CCAUTH_BINARY:-}" ]; then
  cp "$CCAUTH_BINARY" "$PREFIX/bin/ccauth"
else
  if [ "$VERSION" = "latest" ]; then
    url="$RELEASES/latest/download/ccauth-$target"
  else
    url="$RELEASES/download/v$VERSION/ccauth-$target"
  fi
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL "$url" -o "$PREFIX/bin/ccauth"
  elif command -v wget >/dev/null 2>&1; then
    wget -qO "$PREFIX/bin/ccauth" "$url"
  else
    echo "ccauth: neither curl nor wget is installed to download $url" >&2
    exit 1
  fi
fi
chmod 0755 "$PREFIX/bin/ccauth"

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
