# terraform workspace select dev && terraform apply -var-file=stages/dev.tfvars
# Add the region's Parameters and Secrets extension layer ARN (see deploy/README.md, step 3):
#   secrets_extension_layer_arn = "arn:aws:lambda:<region>:<account>:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:<n>"
region   = "ap-northeast-1"
vpc_cidr = "10.40.0.0/16"

# RDS Proxy bills at least 8 ACU-hours an hour (more than the 0.5 ACU cluster idles at). A dev
# stage nobody load-tests can set this to false and connect straight to the cluster.
db_proxy_enabled = true

db_min_capacity        = 0.5
db_max_capacity        = 4
db_instance_count      = 1
db_deletion_protection = false

# Frontend developers run the web app locally against the dev API.
cors_allowed_origins = ["http://localhost:5173", "http://localhost:3000"]

api_throttle_rate_limit  = 20
api_throttle_burst_limit = 40
usage_plan_quota_per_day = 20000

log_retention_days = 14

# A new account's Lambda concurrency quota is often 10, which leaves nothing to reserve.
reserved_concurrency = {
  auth       = null
  posts      = null
  likes      = null
  comments   = null
  authorizer = null
}

provisioned_concurrency = {
  auth       = 0
  posts      = 0
  likes      = 0
  comments   = 0
  authorizer = 0
}
