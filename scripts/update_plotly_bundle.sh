#!/usr/bin/env bash
# Refresh the vendored plotly.js "basic" bundle (scatter, bar, pie: every trace type the published MPS draws) to the
# plotly.js version that the installed plotly.py embeds, so the figures plotly.py writes match the library drawing them.
# The MPS inlines this 1.2 MB bundle instead of plotly.py's full 4.8 MB one (maps, WebGL, 3-D), keeping each page
# self-contained and offline. Needs npm (the bundle is published on the npm registry as plotly.js-basic-dist-min).
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(.venv/bin/python -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-basic-dist-min@${version}" >/dev/null && tar xzf ./*.tgz)
cp "$work/package/plotly-basic.min.js" src/helpers/mps/vendor/plotly-basic.min.js
cp "$work/package/LICENSE" src/helpers/mps/vendor/plotly.js-LICENSE
echo "vendored plotly.js-basic-dist-min ${version}"
