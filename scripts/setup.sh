#!/usr/bin/env bash
# Installs what sparkprop's main job and tests need: the official Fashion-MNIST IDX files.
# With apt (Debian): the package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
# Without apt: downloads the official files to ~/.cache/sparkprop/fashion-mnist and checks
# their SHA-256. Idempotent.
set -euo pipefail
DIR=/usr/share/datasets/fashion-mnist
CACHE="${HOME}/.cache/sparkprop/fashion-mnist"
declare -A SHA=(
  [train-images-idx3-ubyte.gz]=b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
  [train-labels-idx1-ubyte.gz]=0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
  [t10k-images-idx3-ubyte.gz]=cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
  [t10k-labels-idx1-ubyte.gz]=8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05
)
have_all() {
  for f in "${!SHA[@]}"; do [ -r "$1/$f" ] || return 1; done
}
if have_all "$DIR" || have_all "$CACHE"; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q dataset-fashion-mnist
  have_all "$DIR" && exit 0
fi
echo "setup: downloading Fashion-MNIST to $CACHE" >&2
mkdir -p "$CACHE"
BASE=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
for f in "${!SHA[@]}"; do
  curl -fsSL -o "$CACHE/$f.part" "$BASE/$f"
  echo "${SHA[$f]}  $CACHE/$f.part" | sha256sum -c --quiet - \
    || { echo "setup: SHA-256 mismatch for $f" >&2; rm -f "$CACHE/$f.part"; exit 1; }
  mv "$CACHE/$f.part" "$CACHE/$f"
done
