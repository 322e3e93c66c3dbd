output "stage" {
  description = "The stage this state describes (the workspace)."
  value       = local.stage
}

output "region" {
  description = "Region of the stage."
  value       = var.region
}

output "api_invoke_url" {
  description = "Base URL of the API: append /api/v1/... (the stage is part of the path)."
  value       = module.api_gateway.invoke_url
}

output "api_key_ids" {
  description = "API key id per client; the value: aws apigateway get-api-key --include-value --api-key <id> --query value --output text."
  value       = module.api_gateway.api_key_ids
}

output "images_bucket" {
  description = "Bucket of post images (private; served through CloudFront)."
  value       = module.s3.images_bucket_id
}

output "images_base_url" {
  description = "Base of image_url: the CloudFront distribution."
  value       = "https://${module.cloudfront.domain_name}"
}

output "database_endpoint" {
  description = "Host the functions connect to: RDS Proxy, or the cluster when db_proxy_enabled is false (inside the VPC only)."
  value       = module.rds.endpoint
}

output "jwt_secret_arn" {
  description = "Secrets Manager secret of the JWT signing key. Terraform creates it empty; put a value once per stage (see deploy/README.md)."
  value       = module.secrets.jwt_secret_arn
}

output "database_secret_arn" {
  description = "Secrets Manager secret with the database username and password."
  value       = module.rds.credentials_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.observability.alarm_topic_arn
}

output "dashboard_url" {
  description = "CloudWatch dashboard of the stage."
  value       = module.observability.dashboard_url
}

# Everything lambroll reads: deploy/lambroll/*/function.json look these up with
# {{ tfstate `output.lambda.<path>` }}, and deploy/deploy.sh reads the concurrency settings.
output "lambda" {
  description = "Function names, roles, network, layers and settings for lambroll and deploy.sh."
  value = {
    architecture = var.lambda_architecture
    alias        = local.function_alias
    layers = {
      adot_collector    = local.adot_collector_layer_arn
      secrets_extension = var.secrets_extension_layer_arn
    }
    artifacts_bucket  = module.s3.artifacts_bucket_id
    subnet_ids        = module.vpc.private_subnet_ids
    security_group_id = module.vpc.lambda_security_group_id

    functions = {
      for f in local.functions : f => {
        name      = local.function_names[f]
        role_arn  = module.iam.function_role_arns[f]
        log_group = module.observability.function_log_group_names[f]
      }
    }

    concurrency = {
      for f in concat(local.api_groups, ["authorizer"]) : f => {
        reserved    = lookup(var.reserved_concurrency, f, null)
        provisioned = lookup(var.provisioned_concurrency, f, 0)
      }
    }

    settings = {
      stage = local.stage
      # No credentials here: the functions add username and password from database_secret_arn.
      # VerifyFull through the proxy: its certificate chains to Amazon's public CAs. The cluster's
      # own certificate is signed by the RDS CA, which the package does not carry: Require (TLS,
      # unverified) for a proxy-less dev stage.
      connection_string = join(";", [
        "Host=${module.rds.endpoint}",
        "Port=5432",
        "Database=${module.rds.database_name}",
        "SSL Mode=${var.db_proxy_enabled ? "VerifyFull" : "Require"}",
        "Maximum Pool Size=4",
        "Timeout=15",
        "Command Timeout=20",
      ])
      database_secret_arn     = module.rds.credentials_secret_arn
      app_database_secret_arn = module.rds.app_credentials_secret_arn
      jwt_secret_arn          = module.secrets.jwt_secret_arn
      secrets_version         = var.secrets_version
      images_bucket           = module.s3.images_bucket_id
      images_base_url         = "https://${module.cloudfront.domain_name}"
      cors_allowed_origins    = slice(concat(var.cors_allowed_origins, ["", "", ""]), 0, 3)
      otel_resource_attributes = join(",", [
        "deployment.environment.name=${local.stage}",
        "service.namespace=${var.project}",
      ])
    }
  }
}
