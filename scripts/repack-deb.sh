#!/usr/bin/env bash
# Recompresses a Debian package with xz, as Debian's own packages are: the Tauri bundler writes
# gzip, which leaves the package with both binaries about 9 MB instead of 5. The contents,
# control file and permissions are kept as they are (dpkg-deb unpacks and rebuilds them; files
# owned by root whoever builds). Every dpkg since 1.15.6 (2010) installs it.
# Usage: repack-deb.sh PACKAGE.deb
set -euo pipefail
deb=${1:?usage: repack-deb.sh PACKAGE.deb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -R "$deb" "$tmp/pkg"
before=$(stat -c %s "$deb")
dpkg-deb --root-owner-group -Zxz -z9 -b "$tmp/pkg" "$tmp/repacked.deb" >/dev/null
mv "$tmp/repacked.deb" "$deb"
echo "$deb: recompressed with xz, $before → $(stat -c %s "$deb") bytes"
