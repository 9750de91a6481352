# Sourced by the scripts that run terraform (tf-validate.sh, lint.sh, .ci/run).
# Where a filesystem mirror of the providers exists (PXSTREAM_TF_PLUGIN_MIRROR,
# default /opt/tf-plugins: machines without access to the Terraform registry),
# terraform installs providers from it and from nowhere else. Elsewhere the
# registry is used as usual. A TF_CLI_CONFIG_FILE set by the caller wins when
# that file exists.
# test/terraform/terraform.ts applies the same rule to the tests.
# A configuration file written here is named in PXSTREAM_TF_TMP_RC, which the
# caller removes on exit.

PXSTREAM_TF_PLUGIN_MIRROR="${PXSTREAM_TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
PXSTREAM_TF_TMP_RC=""
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -e "${TF_CLI_CONFIG_FILE}" ]; then
  if [ -d "$PXSTREAM_TF_PLUGIN_MIRROR" ]; then
    TF_CLI_CONFIG_FILE="$(mktemp "${TMPDIR:-/tmp}/pxstream-tfrc.XXXXXX")"
    PXSTREAM_TF_TMP_RC="$TF_CLI_CONFIG_FILE"
    printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$PXSTREAM_TF_PLUGIN_MIRROR" >"$TF_CLI_CONFIG_FILE"
    PXSTREAM_TF_PROVIDERS="filesystem mirror $PXSTREAM_TF_PLUGIN_MIRROR"
  elif [ -e "$HOME/.terraformrc" ]; then
    TF_CLI_CONFIG_FILE="$HOME/.terraformrc"
    PXSTREAM_TF_PROVIDERS="the Terraform registry (or ~/.terraformrc)"
  else
    # An empty configuration: the registry, without terraform's warning about a missing file.
    TF_CLI_CONFIG_FILE="$(mktemp "${TMPDIR:-/tmp}/pxstream-tfrc.XXXXXX")"
    PXSTREAM_TF_TMP_RC="$TF_CLI_CONFIG_FILE"
    PXSTREAM_TF_PROVIDERS="the Terraform registry"
  fi
  export TF_CLI_CONFIG_FILE
else
  PXSTREAM_TF_PROVIDERS="TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE"
fi
export PXSTREAM_TF_PROVIDERS
