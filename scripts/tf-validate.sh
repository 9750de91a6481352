#!/usr/bin/env bash
# make tf-validate: `terraform init -backend=false && terraform validate` in the
# module and in each example. Needs terraform and access to the provider
# registry (or a provider mirror configured in the terraform CLI config).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not installed: make tf-validate needs it (https://developer.hashicorp.com/terraform/install)." >&2
  echo "Without terraform, make test-terraform checks the module statically." >&2
  exit 1
fi

failed=()
for dir in terraform terraform/examples/*/; do
  dir="${dir%/}"
  echo "== $dir"
  if ! (cd "$dir" && terraform init -backend=false -input=false -no-color >/dev/null); then
    echo "!!! terraform init failed in $dir (is the provider registry reachable?)" >&2
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
echo "tf-validate: the module and every example are valid"
