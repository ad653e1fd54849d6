# Shared by the dist/ scripts (sourced, not run): the release's facts, read
# once from Cargo.toml, which is the one place that declares them.
#
#   CCAUTH_VERSION   the crate version (every artifact carries it)
#   CCAUTH_HOME      the project's public address (Cargo.toml `repository`)
#   CCAUTH_RELEASES  where the release assets are published ($CCAUTH_HOME/releases)
#   DIST             the artifact directory (target/dist unless DIST is set)
#   CCAUTH_TARGETS   the static targets every release builds

dist_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${DIST:-$dist_root/target/dist}"
CCAUTH_TARGETS="x86_64-unknown-linux-musl aarch64-unknown-linux-musl"

# One `cargo metadata` call; node reads the JSON (npm needs node anyway).
eval "$(cargo metadata --manifest-path "$dist_root/Cargo.toml" --no-deps --format-version 1 --offline 2>/dev/null \
  | node -e '
      const p = JSON.parse(require("fs").readFileSync(0, "utf8")).packages.find((p) => p.name === "ccauth");
      console.log(`CCAUTH_VERSION=${p.version}`);
      console.log(`CCAUTH_HOME=${p.repository}`);
    ')"
CCAUTH_RELEASES="$CCAUTH_HOME/releases"
export DIST CCAUTH_VERSION CCAUTH_HOME CCAUTH_RELEASES CCAUTH_TARGETS

# The npm platform package for a Rust target (Node's process.platform-arch).
npm_platform() {
  case "$1" in
    x86_64-unknown-linux-musl) echo linux-x64 ;;
    aarch64-unknown-linux-musl) echo linux-arm64 ;;
    *) echo "no npm platform for $1" >&2; return 1 ;;
  esac
}

# Validates a `ccauth doctor --format json` report against the published
# schema (Python's jsonschema, installed from PyPI when missing), and says so.
validate_report() {
  python3 -c 'import jsonschema' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check jsonschema
  python3 - "$dist_root/schema/report.schema.json" "$1" "$2" <<'PY'
import json, sys, jsonschema
schema, report = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.Draft202012Validator(schema).validate(report)
print(f"{sys.argv[3]}: a valid report (ccauth {report['tool']['version']}, {len(report['checks'])} checks, {report['summary']})")
PY
}
