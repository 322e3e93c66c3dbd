# One stage (dev, staging or prod) per workspace: each has its own VPC, database, bucket and API.
# Terraform owns everything around the functions; lambroll owns the functions themselves
# (deploy/lambroll/<function>/function.json read the `lambda` output through tfstate).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  stage      = terraform.workspace
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  name       = "${var.project}-${local.stage}"

  secret_recovery_window_days = coalesce(var.secret_recovery_window_days, local.stage == "prod" ? 7 : 0)

  # The four API functions are one package with FUNCTION_GROUP set; the authorizer is the same
  # package with _HANDLER=authorizer; migrate applies EF Core migrations once per release.
  api_groups = ["auth", "posts", "likes", "comments"]
  functions  = concat(local.api_groups, ["authorizer", "migrate"])

  function_names = { for f in local.functions : f => "${var.project}-${f}-${local.stage}" }

  # lambroll deploy publishes a version and points the `current` alias at it; API Gateway calls
  # the alias, so `lambroll rollback` is all a rollback takes.
  function_alias = "current"
  function_alias_arns = {
    for f in local.functions : f => "arn:${local.partition}:lambda:${var.region}:${local.account_id}:function:${local.function_names[f]}:${local.function_alias}"
  }

  adot_collector_layer_arn = coalesce(
    var.adot_collector_layer_arn,
    "arn:${local.partition}:lambda:${var.region}:901920570463:layer:aws-otel-collector-${var.lambda_architecture == "arm64" ? "arm64" : "amd64"}-ver-${var.adot_collector_layer_version}",
  )
}

# Stops a plan in the default workspace, whose name would leak into every resource name.
resource "terraform_data" "stage_guard" {
  lifecycle {
    precondition {
      condition     = contains(["dev", "staging", "prod"], terraform.workspace)
      error_message = "Select a stage first: terraform workspace select dev (or staging, prod)."
    }
    precondition {
      condition     = strcontains(var.secrets_extension_layer_arn, "-Arm64:") == (var.lambda_architecture == "arm64")
      error_message = "secrets_extension_layer_arn must be the -Arm64 layer for arm64 functions and the plain one for x86_64."
    }
  }
}

module "vpc" {
  source = "./modules/vpc"

  name                   = local.name
  region                 = var.region
  cidr                   = var.vpc_cidr
  direct_database_access = !var.db_proxy_enabled
}

module "secrets" {
  source = "./modules/secrets"

  name                 = "${var.project}/${local.stage}"
  recovery_window_days = local.secret_recovery_window_days
}

module "rds" {
  source = "./modules/rds"

  name                        = local.name
  subnet_ids                  = module.vpc.private_subnet_ids
  database_sg_id              = module.vpc.database_security_group_id
  proxy_sg_id                 = module.vpc.proxy_security_group_id
  engine_version              = var.db_engine_version
  min_capacity                = var.db_min_capacity
  max_capacity                = var.db_max_capacity
  instance_count              = var.db_instance_count
  backup_retention_days       = var.db_backup_retention_days
  deletion_protection         = var.db_deletion_protection
  credentials_secret_name     = "${var.project}/${local.stage}/database"
  secret_recovery_window_days = local.secret_recovery_window_days
  proxy_enabled               = var.db_proxy_enabled
  log_retention_days          = var.log_retention_days
}

module "s3" {
  source = "./modules/s3"

  name                        = local.name
  account_id                  = local.account_id
  cors_allowed_origins        = var.cors_allowed_origins
  cloudfront_distribution_arn = module.cloudfront.distribution_arn
  log_retention_days          = var.log_retention_days
}

module "cloudfront" {
  source = "./modules/cloudfront"

  name                        = local.name
  bucket_regional_domain_name = module.s3.images_bucket_regional_domain_name
  cache_ttl_seconds           = var.image_cache_ttl_seconds
  price_class                 = var.cloudfront_price_class
}

module "iam" {
  source = "./modules/iam"

  name                = local.name
  partition           = local.partition
  region              = var.region
  account_id          = local.account_id
  function_names      = local.function_names
  api_groups          = local.api_groups
  jwt_secret_arn      = module.secrets.jwt_secret_arn
  database_secret_arn = module.rds.credentials_secret_arn

  app_database_secret_arn = module.rds.app_credentials_secret_arn
  images_bucket_arn       = module.s3.images_bucket_arn
  image_key_prefix        = "posts/"
  # API Gateway invokes exactly the aliases it integrates with, nothing else.
  invokable_function_arns = [for f in concat(local.api_groups, ["authorizer"]) : local.function_alias_arns[f]]
}

module "api_gateway" {
  source = "./modules/api-gateway"

  name                         = local.name
  stage                        = local.stage
  region                       = var.region
  partition                    = local.partition
  routes_file                  = "${path.root}/routes.json"
  function_arns                = { for g in local.api_groups : g => local.function_alias_arns[g] }
  authorizer_function_arn      = local.function_alias_arns["authorizer"]
  invoke_role_arn              = module.iam.api_gateway_invoke_role_arn
  authorizer_cache_ttl_seconds = var.authorizer_cache_ttl_seconds
  throttle_rate_limit          = var.api_throttle_rate_limit
  throttle_burst_limit         = var.api_throttle_burst_limit
  auth_throttle_rate_limit     = var.auth_throttle_rate_limit
  require_api_key              = var.require_api_key
  api_clients                  = var.api_clients
  usage_plan_quota_per_day     = var.usage_plan_quota_per_day
  waf_rate_limit_per_ip        = var.waf_rate_limit_per_ip
  waf_auth_rate_limit_per_ip   = var.waf_auth_rate_limit_per_ip
  log_retention_days           = var.log_retention_days
}

module "observability" {
  source = "./modules/observability"

  name                = local.name
  region              = var.region
  function_names      = local.function_names
  api_functions       = concat(local.api_groups, ["authorizer"])
  authorizer_function = "authorizer"
  api_name            = module.api_gateway.rest_api_name
  api_stage           = local.stage
  db_cluster_id       = module.rds.cluster_identifier
  db_proxy_name       = module.rds.proxy_name
  db_max_capacity     = var.db_max_capacity
  waf_web_acl_name    = module.api_gateway.waf_web_acl_name
  log_retention_days  = var.log_retention_days
  alarm_email         = var.alarm_email
  api_p99_latency_ms  = var.alarm_api_p99_latency_ms
  api_5xx_rate        = var.alarm_api_5xx_rate
}
