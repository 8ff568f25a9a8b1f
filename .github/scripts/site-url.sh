#!/usr/bin/env bash
# Print the address the Pages site is published at, ending in "/": the one place the workflows
# decide it. In order: the repository variable SITE_URL (read from $SITE_URL_VARIABLE), the
# address GitHub Pages reports (actions/configure-pages' base_url, read from $PAGES_BASE_URL),
# else GitHub Pages' default address for this repository (before Pages is enabled there is no
# reported address yet; a custom domain always comes from one of the first two).
set -euo pipefail
if [ -n "${SITE_URL_VARIABLE:-}" ]; then
  address=$SITE_URL_VARIABLE
elif [ -n "${PAGES_BASE_URL:-}" ]; then
  address=$PAGES_BASE_URL
else
  owner=${GITHUB_REPOSITORY_OWNER:?GITHUB_REPOSITORY_OWNER is not set}
  owner=${owner,,}
  repository=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
  repository=${repository#*/}
  if [ "${repository,,}" = "$owner.github.io" ]; then
    address="https://$owner.github.io"
  else
    address="https://$owner.github.io/$repository"
  fi
fi
case "$address" in
  http://* | https://*) ;;
  *) echo "site-url.sh: '$address' is not an http(s) address; fix the SITE_URL variable" >&2; exit 1 ;;
esac
printf '%s/\n' "${address%/}"
