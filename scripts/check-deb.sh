#!/usr/bin/env bash
# Checks the Debian package `make bundle` made: both binaries, the desktop entry, the MIME type
# and the command line's man page are in it (dpkg-deb -c), and that it keeps to its size: at most
# 6,000,000 bytes with both binaries (a new dependency that breaks it should be a decision).
# Usage: check-deb.sh PACKAGE.deb
set -euo pipefail
deb=${1:?usage: check-deb.sh PACKAGE.deb}
# dpkg-deb -c prints each path last on its line, with or without a leading "./" depending on the
# dpkg version: the paths are compared without it.
listing=$(dpkg-deb -c "$deb" | awk '{ p = $NF; sub(/^\.\//, "", p); print $1, p }')
missing=0
# Each a whole path (a regular expression): the desktop entry is named after the product.
for want in \
  'usr/bin/parallax' \
  'usr/bin/parallax-cli' \
  'usr/share/applications/[^/]+\.desktop' \
  'usr/share/mime/packages/parallax\.xml' \
  'usr/share/man/man1/parallax-cli\.1\.gz' \
  'usr/share/man/man1/parallax-cli-export\.1\.gz' \
  'usr/share/man/man1/parallax-cli-trend\.1\.gz'; do
  if ! awk '{print $NF}' <<<"$listing" | grep -qxE -- "$want"; then
    echo "$deb: ${want//\\/} is missing" >&2
    missing=1
  fi
done
for bin in usr/bin/parallax usr/bin/parallax-cli; do
  if ! awk -v b="$bin" '$NF == b && $1 ~ /^-rwx/' <<<"$listing" | grep -q .; then
    echo "$deb: $bin is not executable" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1
bytes=$(stat -c %s "$deb")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')
echo "$deb: both binaries, desktop entry, MIME type and man pages present; $bytes bytes ($mib MiB)"
if [ "$bytes" -gt 6000000 ]; then
  echo "$deb: larger than its 6,000,000-byte budget" >&2
  exit 1
fi
