# terraform workspace select prod && terraform apply -var-file=stages/prod.tfvars
# Add secrets_extension_layer_arn for the region (see deploy/README.md, step 3).
region   = "ap-northeast-1"
vpc_cidr = "10.42.0.0/16"

db_min_capacity          = 0.5
db_max_capacity          = 4
db_instance_count        = 2
db_deletion_protection   = true
db_backup_retention_days = 7

cors_allowed_origins = ["https://social-media.example"]

api_throttle_rate_limit  = 100
api_throttle_burst_limit = 200

log_retention_days = 90

reserved_concurrency = {
  auth       = 10
  posts      = 20
  likes      = 10
  comments   = 10
  authorizer = 10
}

# The timeline and the authorizer sit in front of every page view; keep one of each warm.
provisioned_concurrency = {
  auth       = 0
  posts      = 1
  likes      = 0
  comments   = 0
  authorizer = 1
}
