# tflint configuration for the pxstream module and its examples.
# Only the bundled terraform ruleset is used: the AWS ruleset is a plugin that
# has to be downloaded, which CI machines here cannot do.
config {
  call_module_type = "local"
  force            = false
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
