# The JWT signing key. Terraform creates the secret but never its value, so the key is in no
# state file and no plan: an operator puts it once per stage (deploy/README.md), and the
# functions read it at cold start through the Parameters and Secrets extension.
# Changing it signs everyone out: tokens signed with the old key stop validating.
resource "aws_secretsmanager_secret" "jwt" {
  name                    = "${var.name}/jwt-signing-key"
  description             = "HS256 key of the API's bearer tokens (at least 32 bytes). Read by the API functions and the authorizer."
  recovery_window_in_days = var.recovery_window_days
}
