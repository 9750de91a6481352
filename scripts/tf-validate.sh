#!/usr/bin/env bash
# make tf-validate: `terraform init -backend=false && terraform validate` in
# the module, its submodules and each example. Providers come from the
# filesystem mirror where one exists (scripts/lib/terraform-env.sh, e.g.
# /opt/tf-plugins on machines without registry access), else the registry.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/terraform-env.sh
. scripts/lib/terraform-env.sh
trap '[ -z "$PXSTREAM_TF_TMP_RC" ] || rm -f "$PXSTREAM_TF_TMP_RC"' EXIT

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not installed: make tf-validate needs it (https://developer.hashicorp.com/terraform/install)." >&2
  exit 1
fi
echo "providers from: $PXSTREAM_TF_PROVIDERS"

failed=()
for dir in terraform terraform/modules/*/ terraform/examples/*/; do
  dir="${dir%/}"
  echo "== $dir"
  if ! (cd "$dir" && terraform init -backend=false -input=false -no-color >/dev/null); then
    echo "!!! terraform init failed in $dir (providers from $PXSTREAM_TF_PROVIDERS)" >&2
    failed+=("$dir")
    continue
  fi
  if ! (cd "$dir" && terraform validate -no-color); then
    failed+=("$dir")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "!!! tf-validate FAILED in: ${failed[*]}" >&2
  exit 1
fi
echo "tf-validate: the module, its submodules and every example are valid"
