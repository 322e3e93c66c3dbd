output "jwt_secret_arn" {
  description = "ARN of the JWT signing key secret."
  value       = aws_secretsmanager_secret.jwt.arn
}

output "jwt_secret_name" {
  description = "Name of the JWT signing key secret."
  value       = aws_secretsmanager_secret.jwt.name
}
