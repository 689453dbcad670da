#!/usr/bin/env bash
# Checks the documents: every relative link and every mentioned `*.md` file exists in the
# repository, and no document names an internal issue number.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
status=0
names=$(git ls-files --cached --others --exclude-standard | xargs -n1 basename | sort -u)
while IFS= read -r doc; do
  dir=$(dirname "$doc")
  # Relative link targets: ](path) or ](path#anchor), not URLs or anchors alone.
  while IFS= read -r target; do
    path=${target%%#*}
    [ -z "$path" ] && continue
    if [ ! -e "$dir/$path" ]; then
      echo "check-docs: $doc links to $path, which is not in the repository" >&2
      status=1
    fi
  done < <(grep -oE '\]\([^)#][^)]*\)' "$doc" | sed -E 's/^\]\(([^) ]*).*\)$/\1/' | grep -vE '^[a-z]+:' || true)
  # Any other mention of a Markdown file must name one of the repository's.
  while IFS= read -r name; do
    if ! grep -qxF "$name" <<< "$names"; then
      echo "check-docs: $doc names $name, which is not in the repository" >&2
      status=1
    fi
  done < <(grep -oE '[A-Za-z0-9_-]+\.md\b' "$doc" | sort -u)
  if grep -nE '(^|[^A-Za-z&])#[0-9]+\b|\b[Ii]ssues? ?#?[0-9]+' "$doc" >&2; then
    echo "check-docs: $doc names an internal issue number (above)" >&2
    status=1
  fi
done < <(git ls-files --cached --others --exclude-standard '*.md')
exit "$status"
