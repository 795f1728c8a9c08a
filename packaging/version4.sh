#!/usr/bin/env bash
# The four numbers Windows' version resources want, from a version that may be a
# pre-release (PEP 440 or SemVer): 0.2.0rc1 → 0.2.0.0, 1.2.3-beta.4 → 1.2.3.0, 1.2 → 1.2.0.0.
set -euo pipefail
numeric=$(printf '%s' "${1:?usage: version4.sh VERSION}" | sed -E 's/^v?([0-9]+(\.[0-9]+){0,3}).*/\1/')
IFS=. read -r a b c d <<<"$numeric"
printf '%s.%s.%s.%s\n' "${a:-0}" "${b:-0}" "${c:-0}" "${d:-0}"
