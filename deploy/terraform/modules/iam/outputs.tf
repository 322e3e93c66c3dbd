output "function_role_arns" {
  description = "Execution role ARN per function."
  value       = { for k, r in aws_iam_role.function : k => r.arn }
}

output "api_gateway_invoke_role_arn" {
  description = "Role API Gateway assumes to invoke the functions."
  value       = aws_iam_role.api_gateway_invoke.arn
}
