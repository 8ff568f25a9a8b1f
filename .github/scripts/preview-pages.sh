#!/usr/bin/env bash
# Publish (or remove) a pull request's preview on the gh-pages branch as the hidden mike
# version pr-<N>, and push. Run by the trusted workflows from the default branch's checkout;
# it runs nothing from the pull request (preview_pages.py only copies files and edits JSON).
#
#   preview-pages.sh publish   # needs PR_NUMBER and PREVIEW_SITE (the downloaded build)
#   preview-pages.sh remove    # needs PR_NUMBER
#
# PAGES_BRANCH (default gh-pages) and PAGES_REMOTE (default origin) name where it goes. A push
# that loses a race with another publication (a release, another preview) is retried on top.
set -euo pipefail
action=${1:?usage: preview-pages.sh publish|remove}
number=${PR_NUMBER:?PR_NUMBER is not set}
branch=${PAGES_BRANCH:-gh-pages}
remote=${PAGES_REMOTE:-origin}
scripts=$(cd "$(dirname "$0")" && pwd)
site=""
if [ "$action" = publish ]; then
  site=$(cd "${PREVIEW_SITE:?PREVIEW_SITE is not set}" && pwd)
fi

work=$(mktemp -d)
cleanup() { git worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"; }
trap cleanup EXIT

for attempt in 1 2 3; do
  cleanup
  if git fetch --quiet "$remote" "refs/heads/$branch" 2>/dev/null; then
    git worktree add --quiet --detach "$work" FETCH_HEAD
  elif [ "$action" = remove ]; then
    echo "no $branch branch on $remote: no preview to remove"
    exit 0
  else
    # The first publication of anything: start gh-pages as an empty branch.
    git worktree add --quiet --detach "$work"
    git -C "$work" checkout --quiet --orphan "preview-$number"
    git -C "$work" rm -r -q -f --ignore-unmatch .
  fi
  if [ "$action" = publish ]; then
    python3 "$scripts/preview_pages.py" publish --pages "$work" --site "$site" --number "$number"
  else
    python3 "$scripts/preview_pages.py" remove --pages "$work" --number "$number"
  fi
  git -C "$work" add --all
  # preview_pages.py refused anything git would not store as a plain file; check what git
  # actually staged too (a gitlink, 160000, would break every later Pages deployment).
  if git -C "$work" ls-files --stage -- "pr-$number" | grep -qv '^100644 '; then
    echo "refusing to publish: pr-$number would hold something other than plain files" >&2
    exit 1
  fi
  if git -C "$work" diff --cached --quiet; then
    echo "$branch is unchanged"
    exit 0
  fi
  git -C "$work" commit --quiet -m "Preview of pull request #$number: $action pr-$number"
  if git -C "$work" push --quiet "$remote" "HEAD:refs/heads/$branch"; then
    exit 0
  fi
  echo "push to $branch lost a race (attempt $attempt); retrying on top of the new $branch" >&2
done
echo "could not push to $branch" >&2
exit 1
