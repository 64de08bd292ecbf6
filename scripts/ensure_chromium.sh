#!/usr/bin/env bash
# Static chart export for the PDF (kaleido 1.x) needs a Chrome/Chromium. Find one, or install
# Debian's chromium when we are root on a Debian/Ubuntu machine; otherwise say what to do.
set -uo pipefail
if [ -n "${BROWSER_PATH:-}" ] && [ -x "${BROWSER_PATH}" ]; then exit 0; fi
for b in chromium chromium-browser google-chrome google-chrome-stable chrome; do
  if command -v "$b" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium (needed by kaleido for the PDF's static charts)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || { echo "error: could not install chromium with apt-get" >&2; exit 1; }
  exit 0
fi
echo "error: no Chrome/Chromium found. Install one (e.g. 'sudo apt-get install chromium') or set BROWSER_PATH; kaleido needs it to draw the PDF's charts." >&2
exit 1
