output "vpc_id" {
  description = "The stage's VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ, for the functions, the proxy, Aurora and the endpoints."
  value       = aws_subnet.private[*].id
}

output "lambda_security_group_id" {
  description = "Security group of the API functions."
  value       = aws_security_group.lambda.id
}

output "proxy_security_group_id" {
  description = "Security group of RDS Proxy."
  value       = aws_security_group.proxy.id
}

output "database_security_group_id" {
  description = "Security group of the Aurora cluster."
  value       = aws_security_group.database.id
}
