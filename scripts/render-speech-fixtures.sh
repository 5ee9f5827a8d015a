#!/usr/bin/env bash
# Renders the simulator's recorded speech (IVR, announcements, voice check, agent greetings) into committed
# 8 kHz G.711 mu-law fixtures. The manifest is the source of truth for text and voice; this script fills in
# file, bytes and durationMs. Run it only when a text or voice changes: the simulator never calls espeak at run time.
#
#   bash scripts/render-speech-fixtures.sh            # render every fixture in the manifest
#   bash scripts/render-speech-fixtures.sh agent-kim  # render only ids starting with "agent-kim"
set -euo pipefail

cd "$(dirname "$0")/.."
dir=src/simulator/line/fixtures
manifest=$dir/manifest.json
filter=${1:-}

for tool in espeak-ng sox node; do
  command -v "$tool" >/dev/null || { echo "render-speech-fixtures: $tool is required" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One line per fixture: id, voice, speed, text to speak (tab-separated; texts never contain tabs).
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const f of m.fixtures) console.log([f.id, f.voice, f.speed, f.speak ?? f.text].join("\t"));
' "$manifest" > "$tmp/list.tsv"

while IFS=$'\t' read -r id voice speed text; do
  [[ -n "$filter" && "$id" != "$filter"* ]] && continue
  espeak-ng -v "$voice" -s "$speed" -w "$tmp/$id.wav" "$text"
  # Telephone channel: trim espeak's leading/trailing silence, band-limit to 300-3400 Hz, normalise to -3 dBFS,
  # 8 kHz mono mu-law. -D (no dither) keeps the bytes reproducible.
  sox -D "$tmp/$id.wav" -r 8000 -c 1 -e mu-law -t raw "$dir/$id.ul" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse \
    sinc 300-3400 gain -n -3
  echo "rendered $id"
done < "$tmp/list.tsv"

# Record each file's size and duration (8 bytes per ms at 8 kHz mu-law) and the tool versions.
node -e '
  const fs = require("fs"), path = require("path");
  const [manifestPath, versions] = process.argv.slice(1);
  const m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const dir = path.dirname(manifestPath);
  m.renderedWith = versions;
  m.fixtures = m.fixtures.map((f) => {
    const file = f.id + ".ul";
    const bytes = fs.statSync(path.join(dir, file)).size;
    return { ...f, file, bytes, durationMs: bytes / 8 };
  });
  fs.writeFileSync(manifestPath, JSON.stringify(m, null, 2) + "\n");
  const total = m.fixtures.reduce((s, f) => s + f.bytes, 0);
  console.log(`${m.fixtures.length} fixtures, ${(total / 1024).toFixed(0)} KiB, ${(total / 8000).toFixed(1)} s`);
' "$manifest" "$(espeak-ng --version | head -1 | cut -d' ' -f1-4); $(sox --version | sed 's/^sox: *//')"
