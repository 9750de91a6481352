output "json" {
  description = "The policy document, minified JSON."
  value       = jsonencode(local.document)
}

output "size" {
  description = "Characters of the policy as IAM counts them against the 10,240 of a role's inline policies (whitespace is not counted; the JSON is minified)."
  value       = length(jsonencode(local.document))
}
