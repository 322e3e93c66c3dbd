# terraform workspace select staging && terraform apply -var-file=stages/staging.tfvars
# Add secrets_extension_layer_arn for the region (see deploy/README.md, step 3).
region   = "ap-northeast-1"
vpc_cidr = "10.41.0.0/16"

db_min_capacity        = 0.5
db_max_capacity        = 4
db_instance_count      = 1
db_deletion_protection = true

cors_allowed_origins = ["https://staging.social-media.example"]

api_throttle_rate_limit  = 50
api_throttle_burst_limit = 100

log_retention_days = 30

reserved_concurrency = {
  auth       = 5
  posts      = 10
  likes      = 5
  comments   = 5
  authorizer = 5
}

provisioned_concurrency = {
  auth       = 0
  posts      = 0
  likes      = 0
  comments   = 0
  authorizer = 0
}
