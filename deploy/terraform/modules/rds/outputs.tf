output "cluster_identifier" {
  description = "Aurora cluster identifier (CloudWatch dimension DBClusterIdentifier)."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "proxy_name" {
  description = "RDS Proxy name."
  value       = aws_db_proxy.this.name
}

output "proxy_endpoint" {
  description = "Host name of the proxy's default (read/write) endpoint."
  value       = aws_db_proxy.this.endpoint
}

output "database_name" {
  description = "Database the API uses."
  value       = aws_rds_cluster.this.database_name
}

output "credentials_secret_arn" {
  description = "Secret with username and password for the proxy."
  value       = aws_secretsmanager_secret.credentials.arn
}
