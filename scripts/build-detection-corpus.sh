#!/usr/bin/env bash
# Builds the offline evaluation corpus of `npm run eval:detection` from audio installed by Debian packages and
# speech synthesized locally; nothing is downloaded. Every clip goes through the phone channel (8 kHz mono,
# band-pass 300-3400 Hz, G.711 mu-law raw .ul) into .cache/detection-corpus/ (git-ignored).
#
#   apt-get install -y sox espeak-ng asterisk-core-sounds-en-wav fillets-ng-data fillets-ng-data-nl
#   bash scripts/build-detection-corpus.sh [out-dir]
#
# Classes: music/ (fillets-ng game music), announce-asterisk/ (the Asterisk IVR voice: recorded prompts),
# announce-espeak/ (announcements in voices used nowhere else), vocals/ (sung-style synthesized lines, mixed over
# music by the eval), agent-espeak/ (agent greetings, voices unlike the announcements), speech-nl/ (Dutch
# voice-acted dialog: real human speech).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.cache/detection-corpus}
fillets=/usr/share/games/fillets-ng
asterisk=/usr/share/asterisk/sounds/en

missing=()
command -v sox >/dev/null || missing+=(sox)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
[[ -d $asterisk ]] || missing+=(asterisk-core-sounds-en-wav)
[[ -d $fillets/music ]] || missing+=(fillets-ng-data)
[[ -n $(find "$fillets/sound" -path '*/nl/*.ogg' -print -quit 2>/dev/null) ]] || missing+=(fillets-ng-data-nl)
if ((${#missing[@]})); then
  echo "build-detection-corpus: missing ${missing[*]}; install with: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
sox -h 2>/dev/null | grep -qw ogg || { echo "build-detection-corpus: sox cannot read Ogg (install libsox-fmt-all)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"/{music,announce-asterisk,announce-espeak,vocals,agent-espeak,speech-nl}

# phone IN OUT [extra effects...]: the telephone channel. -D (no dither) keeps the bytes reproducible. The 3 dB
# of headroom before the band-pass (undone by the normalisation) replace sox -G, which fails ("can't reclaim
# headroom") on Debian 12's sox whenever an effect such as silence comes first.
phone() {
  local in=$1 o=$2
  shift 2
  sox -D "$in" -r 8000 -c 1 -e mu-law -t raw "$o" "$@" gain -3 sinc 300-3400 gain -n -6
}
export -f phone

echo "music (fillets-ng-data)"
for f in "$fillets"/music/*.ogg; do phone "$f" "$out/music/$(basename "$f" .ogg).ul"; done

echo "recorded IVR voice (asterisk-core-sounds-en-wav)"
find -L "$asterisk" -maxdepth 1 -name '*.wav' -print0 |
  xargs -0 -P 2 -I{} bash -c 'phone "$1" "$2/announce-asterisk/$(basename "$1" .wav).ul" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse' _ {} "$out"

echo "Dutch voice-acted dialog (fillets-ng-data-nl)"
find "$fillets/sound" -path '*/nl/*.ogg' -print0 |
  xargs -0 -P 2 -I{} bash -c 'n=$(echo "$1" | sed "s|.*/sound/||; s|/nl/|-|; s|/|-|g; s|\.ogg$||"); phone "$1" "$2/speech-nl/$n.ul" silence 1 0.02 0.5%' _ {} "$out"

echo "synthesized announcements, vocals and agent greetings (espeak-ng)"
announce_voices=(en-gb-x-gbcwmd+f4 en-us+m6 en-gb-scotland+f1 en-us-nyc+f2)
announce_texts=(
  "All of our assistors are busy helping other callers. Please stay on the line and your call will be answered in the order it was received."
  "Thank you for holding. Did you know many answers are available online at our website? Please continue to hold."
  "Your call is very important to us. The next available representative will be with you shortly."
  "We are experiencing higher than normal call volumes. Please remain on the line."
)
for v in "${announce_voices[@]}"; do
  for i in "${!announce_texts[@]}"; do
    espeak-ng -v "$v" -s 160 -w "$tmp/a.wav" "${announce_texts[$i]}"
    phone "$tmp/a.wav" "$out/announce-espeak/${v//+/_}-$i.ul" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  done
done
vocal_texts=("Oh the sun will shine again, on this lonely road" "Hold me closer, never let me go" "Dancing through the summer night, la la la la" "Every little thing you do, I think of you")
for i in "${!vocal_texts[@]}"; do
  espeak-ng -v en-us+f3 -s 110 -p 85 -w "$tmp/s.wav" "${vocal_texts[$i]}"
  phone "$tmp/s.wav" "$out/vocals/vocal-$i.ul"
done
agent_voices=(en-us+m3 en-gb+f2 en-029+m1 en-us-nyc+m2 en-gb-x-rp+f3 en-gb-x-gbclan+m4 en+f5 en-us+m7)
names=(Smith Garcia Lee Walker Hernandez Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell)
n=0
for v in "${agent_voices[@]}"; do
  for j in 0 1 2 3 4 5 6 7; do
    name=${names[$(((n * 7 + j) % ${#names[@]}))]}
    id=$((1000100000 + n * 7919))
    case $((j % 4)) in
      0) text="Internal Revenue Service, this is $name, my ID number is $id. How can I help you?" ;;
      1) text="Practitioner Priority Service, my name is $name, badge number $id, who am I speaking with?" ;;
      2) text="Hi, thanks for holding, this is $name with the IRS. Can I get your CAF number please?" ;;
      3) text="Hello, this is $name. Are you there? Hello?" ;;
    esac
    espeak-ng -v "$v" -s $((150 + (n * 13) % 40)) -p $((35 + (n * 17) % 30)) -w "$tmp/g.wav" "$text"
    phone "$tmp/g.wav" "$out/agent-espeak/${v//+/_}-$j.ul" silence 1 0.02 0.5%
    n=$((n + 1))
  done
done

{
  echo "{\"builtWith\": \"$(sox --version | head -1); $(espeak-ng --version | head -1)\","
  echo " \"format\": \"raw G.711 mu-law, 8000 Hz, mono, band-pass 300-3400 Hz\"}"
} > "$out/manifest.json"
for d in "$out"/*/; do echo "$(basename "$d"): $(find "$d" -name '*.ul' | wc -l) clips"; done
