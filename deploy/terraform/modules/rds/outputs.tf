output "cluster_identifier" {
  description = "Aurora cluster identifier (CloudWatch dimension DBClusterIdentifier)."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "proxy_name" {
  description = "RDS Proxy name, or null without a proxy."
  value       = var.proxy_enabled ? aws_db_proxy.this[0].name : null
}

output "endpoint" {
  description = "Host the functions connect to: the proxy's read/write endpoint, or the cluster's without a proxy."
  value       = local.endpoint
}

output "database_name" {
  description = "Database the API uses."
  value       = aws_rds_cluster.this.database_name
}

output "credentials_secret_arn" {
  description = "Secret with username and password for the proxy."
  value       = aws_secretsmanager_secret.credentials.arn
}

output "app_credentials_secret_arn" {
  description = "Secret with the API role's username and password (DML only)."
  value       = aws_secretsmanager_secret.app_credentials.arn
}
