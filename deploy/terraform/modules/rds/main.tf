# Aurora Serverless v2 (PostgreSQL) behind RDS Proxy. The proxy is what makes Lambda and a
# relational database get along: hundreds of short-lived function instances share a small pool
# of real connections, and a failover is absorbed by the proxy instead of every function.

locals {
  endpoint = var.proxy_enabled ? aws_db_proxy.this[0].endpoint : aws_rds_cluster.this.endpoint
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

# The password lives in the state (the state bucket is private and encrypted) and in Secrets
# Manager, where the proxy and the functions read it. Alphanumeric: it ends up in a connection
# string and RDS refuses some punctuation. To rotate: terraform apply -replace=module.rds.random_password.master,
# then deploy the functions again (they read it at cold start).
resource "random_password" "master" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "credentials" {
  name                    = var.credentials_secret_name
  description             = "Database credentials (RDS secret format). Read by RDS Proxy, the API functions and the migrate function."
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "credentials" {
  secret_id = aws_secretsmanager_secret.credentials.id
  secret_string = jsonencode({
    engine   = "postgres"
    username = var.master_username
    password = random_password.master.result
    host     = local.endpoint
    port     = 5432
    dbname   = var.database_name
  })
}

# The role the functions connect as: DML on the API's tables and nothing else (no DDL, no other
# schema, no role management). The master user stays with the migrate function, which owns the
# schema, creates this role and keeps its grants (SocialMedia.Api/Database/AppRole.cs).
resource "random_password" "app" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "app_credentials" {
  name                    = "${var.credentials_secret_name}-app"
  description             = "Credentials of the API's own database role (DML only). Read by RDS Proxy, the API functions, the authorizer, and migrate (which sets the role's password from it)."
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app_credentials" {
  secret_id = aws_secretsmanager_secret.app_credentials.id
  secret_string = jsonencode({
    engine   = "postgres"
    username = var.app_username
    password = random_password.app.result
    host     = local.endpoint
    port     = 5432
    dbname   = var.database_name
  })
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  database_name      = var.database_name
  master_username    = var.master_username
  master_password    = random_password.master.result

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.database_sg_id]
  port                   = 5432

  storage_encrypted                   = true
  iam_database_authentication_enabled = false
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = "18:00-19:00" # UTC: 03:00-04:00 in Japan, the quietest hour
  preferred_maintenance_window = "sun:19:00-sun:20:00"
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = !var.deletion_protection
  final_snapshot_identifier    = "${var.name}-final"

  serverlessv2_scaling_configuration {
    min_capacity = var.min_capacity
    max_capacity = var.max_capacity
  }

  lifecycle {
    # AWS applies minor versions in the maintenance window; do not fight it back to the old one.
    ignore_changes = [engine_version]
  }

  depends_on = [aws_cloudwatch_log_group.postgresql]
}

resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier                   = "${var.name}-${count.index + 1}"
  cluster_identifier           = aws_rds_cluster.this.id
  instance_class               = "db.serverless"
  engine                       = aws_rds_cluster.this.engine
  engine_version               = aws_rds_cluster.this.engine_version
  publicly_accessible          = false
  auto_minor_version_upgrade   = true
  performance_insights_enabled = true # 7 days of retention are free
  promotion_tier               = count.index

  lifecycle {
    ignore_changes = [engine_version]
  }
}

# Created before the cluster so the retention applies from the first line.
resource "aws_cloudwatch_log_group" "postgresql" {
  name              = "/aws/rds/cluster/${var.name}/postgresql"
  retention_in_days = var.log_retention_days
}

data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "proxy" {
  count = var.proxy_enabled ? 1 : 0

  name               = "${var.name}-rds-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json
}

data "aws_iam_policy_document" "proxy" {
  statement {
    sid       = "ReadTheDatabaseCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.credentials.arn, aws_secretsmanager_secret.app_credentials.arn]
  }
}

resource "aws_iam_role_policy" "proxy" {
  count = var.proxy_enabled ? 1 : 0

  name   = "read-database-secret"
  role   = aws_iam_role.proxy[0].id
  policy = data.aws_iam_policy_document.proxy.json
}

resource "aws_db_proxy" "this" {
  count = var.proxy_enabled ? 1 : 0

  name                   = var.name
  engine_family          = "POSTGRESQL"
  role_arn               = aws_iam_role.proxy[0].arn
  vpc_subnet_ids         = var.subnet_ids
  vpc_security_group_ids = [var.proxy_sg_id]
  require_tls            = true
  idle_client_timeout    = 1800
  debug_logging          = false

  auth {
    auth_scheme               = "SECRETS"
    secret_arn                = aws_secretsmanager_secret.credentials.arn
    iam_auth                  = "DISABLED"
    client_password_auth_type = "POSTGRES_SCRAM_SHA_256"
    description               = "migrations (the master user)"
  }

  auth {
    auth_scheme               = "SECRETS"
    secret_arn                = aws_secretsmanager_secret.app_credentials.arn
    iam_auth                  = "DISABLED"
    client_password_auth_type = "POSTGRES_SCRAM_SHA_256"
    description               = "the API functions and the authorizer (DML only)"
  }
}

resource "aws_db_proxy_default_target_group" "this" {
  count = var.proxy_enabled ? 1 : 0

  db_proxy_name = aws_db_proxy.this[0].name

  connection_pool_config {
    # Leave room for an operator's psql session and for the reader's replication.
    max_connections_percent      = 90
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 20 # seconds; below the functions' 25 s timeout, so a starved pool is an error the API reports
  }
}

resource "aws_db_proxy_target" "this" {
  count = var.proxy_enabled ? 1 : 0

  db_proxy_name         = aws_db_proxy.this[0].name
  target_group_name     = aws_db_proxy_default_target_group.this[0].name
  db_cluster_identifier = aws_rds_cluster.this.cluster_identifier

  # The proxy can register the cluster only once it has an instance to talk to.
  depends_on = [aws_rds_cluster_instance.this]
}
