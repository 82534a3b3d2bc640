#!/usr/bin/env bash
# Build HomeSafe's front-end assets into homesafe/static/vendor/.
#
# The output is committed, so running HomeSafe needs no Node. Re-run this
# after changing frontend/src/ or frontend/package.json, then commit the
# changes under homesafe/static/vendor/ together with the lock file.
#
# Usage: bash frontend/build.sh   (from anywhere)
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$FRONTEND_DIR/.." && pwd)"
VENDOR_DIR="$REPO_DIR/homesafe/static/vendor"
NM="$FRONTEND_DIR/node_modules"

die() {
  echo "build.sh: error: $*" >&2
  exit 1
}

# 1. Install the exact locked packages.
#    --ignore-scripts: none of our packages needs an install script.
#    --omit=optional: skips @parcel/watcher (a native file watcher that sass
#    only uses for --watch), so the build is pure JS.
cd "$FRONTEND_DIR"
npm ci --ignore-scripts --omit=optional --no-audit --no-fund

GOVUK_DIST="$NM/govuk-frontend/dist/govuk"
GOVUK_JS="$GOVUK_DIST/govuk-frontend.min.js"
[[ -f "$GOVUK_JS" ]] || die "$GOVUK_JS not found (govuk-frontend layout changed?)"
[[ -d "$GOVUK_DIST/assets" ]] || die "$GOVUK_DIST/assets not found"

# 2. Build everything into a staging folder first, so a failed build leaves
#    the committed files untouched.
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/homesafe-vendor.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/govuk" "$STAGE/axe" "$STAGE/leaflet"

# 2a. CSS: GOV.UK Frontend (all components, Arial) + HomeSafe helpers.
CSS="$STAGE/govuk/homesafe.css"
npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
  src/homesafe.scss "$CSS"

if grep -q "GDS Transport" "$CSS"; then
  die "homesafe.css contains \"GDS Transport\"; HomeSafe must use Arial"
fi
if grep -q "@font-face" "$CSS"; then
  die "homesafe.css contains @font-face rules; HomeSafe must not load web fonts"
fi
grep -q "font-family:arial,sans-serif" "$CSS" || die "homesafe.css does not set Arial"
for cls in govuk-template govuk-header govuk-generic-header govuk-footer \
  govuk-error-summary govuk-summary-list govuk-table govuk-service-navigation \
  govuk-tag govuk-notification-banner govuk-date-input govuk-button \
  govuk-frontend-supported hs-demo-banner; do
  grep -Eq "\.${cls}([^a-zA-Z0-9_-]|$)" "$CSS" || die "homesafe.css has no .${cls} rule"
done

# 2b. GOV.UK Frontend assets: images and manifest.json (and any other folder,
#     e.g. rebrand/, should a later version add one), but not fonts/.
mkdir -p "$STAGE/govuk/assets"
for item in "$GOVUK_DIST/assets/"*; do
  [[ "$(basename "$item")" == "fonts" ]] && continue
  cp -R "$item" "$STAGE/govuk/assets/"
done

# 2c. GOV.UK Frontend JS: an ES module (load with <script type="module">).
#     The trailing sourceMappingURL comment is removed because the .map file
#     is not shipped (it would 404 in dev tools, and Django's
#     ManifestStaticFilesStorage fails collectstatic on a missing map).
sed -e 's#//\# sourceMappingURL=[^ ]*$##' "$GOVUK_JS" >"$STAGE/govuk/govuk-frontend.min.js"
grep -q "initAll" "$STAGE/govuk/govuk-frontend.min.js" || die "govuk-frontend.min.js has no initAll"

# Static initialiser, so no inline <script> is needed under a strict CSP.
cat >"$STAGE/govuk/init.js" <<'EOF'
// Built by frontend/build.sh; do not edit here.
// Load with <script type="module" src="/static/vendor/govuk/init.js"></script>.
// GOV.UK Frontend only initialises components when <body> has the class
// "govuk-frontend-supported". Its template sets that with an inline script;
// HomeSafe's strict CSP forbids inline scripts, so set it here: a browser
// that runs this ES module is a supported browser.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
EOF

# 2d. axe-core, for the browser accessibility tests.
cp "$NM/axe-core/axe.min.js" "$STAGE/axe/axe.min.js"

# 2e. Leaflet: the classic (non-ESM) build, its CSS and marker/layer images.
sed -e 's#^//\# sourceMappingURL=.*$##' "$NM/leaflet/dist/leaflet.js" >"$STAGE/leaflet/leaflet.js"
cp "$NM/leaflet/dist/leaflet.css" "$STAGE/leaflet/leaflet.css"
cp -R "$NM/leaflet/dist/images" "$STAGE/leaflet/images"

if grep -rl "sourceMappingURL" "$STAGE" >/dev/null; then
  die "a built file still references a source map: $(grep -rl sourceMappingURL "$STAGE")"
fi

# 2f. Versions of what was built.
{
  echo "# Built by frontend/build.sh from frontend/package-lock.json; do not edit."
  for pkg in govuk-frontend sass axe-core leaflet; do
    echo "$pkg $(node -p "require('$NM/$pkg/package.json').version")"
  done
} >"$STAGE/VERSIONS.txt"

# 3. Replace only what this script owns under homesafe/static/vendor/.
mkdir -p "$VENDOR_DIR"
for item in govuk axe leaflet VERSIONS.txt; do
  rm -rf "${VENDOR_DIR:?}/$item"
  cp -R "$STAGE/$item" "$VENDOR_DIR/$item"
done

echo "build.sh: wrote $VENDOR_DIR:"
(cd "$VENDOR_DIR" && find govuk axe leaflet VERSIONS.txt -type f | sort | while read -r f; do
  printf '  %8d  %s\n' "$(wc -c <"$f")" "$f"
done)
