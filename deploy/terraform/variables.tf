# The stage is the workspace (dev, staging or prod); per-stage values come from stages/<stage>.tfvars.

variable "project" {
  type        = string
  description = "Prefix of every resource name; the functions are <project>-<function>-<stage>."
  default     = "social-media-api"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.project))
    error_message = "project must be 3 to 31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the stage (API Gateway, Lambda, Aurora, the bucket)."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the stage's VPC; two private /20 subnets are carved from it."
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 18
    error_message = "vpc_cidr must be a valid CIDR of /18 or larger (two /20 subnets are cut from it)."
  }
}

variable "lambda_architecture" {
  type        = string
  description = "Instruction set of the functions: arm64 (Graviton, about 20% cheaper per GB-second) or x86_64. Must match the zip: deploy/package.sh ARCH=arm64|x64."
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "adot_collector_layer_version" {
  type        = string
  description = "Version suffix of the AWS-published ADOT collector layer (arn:aws:lambda:<region>:901920570463:layer:aws-otel-collector-<arch>-ver-<this>). See https://aws-otel.github.io/docs/getting-started/lambda for the current one."
  default     = "0-117-0:1"

  validation {
    condition     = can(regex("^[0-9]+-[0-9]+-[0-9]+:[0-9]+$", var.adot_collector_layer_version))
    error_message = "adot_collector_layer_version looks like 0-117-0:1."
  }
}

variable "adot_collector_layer_arn" {
  type        = string
  description = "Full ARN of the ADOT collector layer, for regions or versions the default pattern does not cover. Null: built from adot_collector_layer_version."
  default     = null
}

variable "secrets_extension_layer_arn" {
  type        = string
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer for this region and architecture (the account and version differ per region: see 'AWS Parameters and Secrets Lambda Extension ARNs' in the Secrets Manager user guide). The functions read their secrets through it at cold start."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension(-Arm64)?:[0-9]+$", var.secrets_extension_layer_arn))
    error_message = "secrets_extension_layer_arn must be an AWS-Parameters-and-Secrets-Lambda-Extension layer version ARN (the -Arm64 one for arm64)."
  }
}

variable "db_engine_version" {
  type        = string
  description = "Aurora PostgreSQL version (15.x as the design sets; minor upgrades are applied by AWS, so Terraform ignores later drift)."
  default     = "15.10"
}

variable "db_proxy_enabled" {
  type        = bool
  description = "RDS Proxy between the functions and Aurora (the design's choice: pooled connections, failover absorbed). False connects straight to the cluster, which saves the proxy's minimum of 8 ACU-hours an hour; for a quiet dev stage only."
  default     = true
}

variable "db_min_capacity" {
  type        = number
  description = "Aurora Serverless v2 minimum ACUs (1 ACU is about 2 GiB of memory). 0.5 is what idles; billed around the clock."
  default     = 0.5

  validation {
    condition     = var.db_min_capacity >= 0.5 && var.db_min_capacity <= 256
    error_message = "db_min_capacity must be 0.5 to 256."
  }
}

variable "db_max_capacity" {
  type        = number
  description = "Aurora Serverless v2 maximum ACUs; also sizes max_connections."
  default     = 4

  validation {
    condition     = var.db_max_capacity >= 1 && var.db_max_capacity <= 256
    error_message = "db_max_capacity must be 1 to 256."
  }
}

variable "db_instance_count" {
  type        = number
  description = "Aurora instances: 1 is the writer only; 2 adds a reader in the other AZ that takes over on failure (doubles the idle cost)."
  default     = 1

  validation {
    condition     = var.db_instance_count >= 1 && var.db_instance_count <= 3
    error_message = "db_instance_count must be 1 to 3."
  }
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated Aurora backups (point-in-time restore window)."
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be 1 to 35."
  }
}

variable "db_deletion_protection" {
  type        = bool
  description = "Refuse to delete the Aurora cluster, and take a final snapshot when it is deleted anyway. True for staging and prod."
  default     = true
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Browser origins allowed to call the API and to PUT images into the bucket with presigned URLs (at most 3: the functions get Cors__AllowedOrigins__0..2)."
  default     = []

  validation {
    condition     = length(var.cors_allowed_origins) <= 3 && alltrue([for o in var.cors_allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]+)?$", o))])
    error_message = "cors_allowed_origins takes at most 3 origins like https://app.example.com (scheme, host, optional port; no path or trailing slash)."
  }
}

variable "api_throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second for the whole stage."
  default     = 100
}

variable "api_throttle_burst_limit" {
  type        = number
  description = "Burst requests for the whole stage."
  default     = 200
}

variable "auth_throttle_rate_limit" {
  type        = number
  description = "Requests per second for POST register and login together with the stage, a first brake on credential stuffing (the WAF rule is per address)."
  default     = 10
}

variable "require_api_key" {
  type        = bool
  description = "Require x-api-key on every declared route so usage plans meter each client (the design's API keys). Keys identify apps, not users: they are not secrets in a browser."
  default     = true
}

variable "api_clients" {
  type        = list(string)
  description = "One API key per client app (e.g. web, ios), all in the stage's usage plan."
  default     = ["web"]
}

variable "usage_plan_quota_per_day" {
  type        = number
  description = "Requests per day per API key."
  default     = 100000
}

variable "waf_rate_limit_per_ip" {
  type        = number
  description = "WAF: requests per 5 minutes from one address before it is blocked."
  default     = 2000

  validation {
    condition     = var.waf_rate_limit_per_ip >= 100
    error_message = "WAF rate-based rules accept 100 or more."
  }
}

variable "waf_auth_rate_limit_per_ip" {
  type        = number
  description = "WAF: requests per 5 minutes from one address to /api/v1/auth/* (login and register) before it is blocked. The API's own per-address limits live in each function instance's memory, so this is the one that holds across instances."
  default     = 100

  validation {
    condition     = var.waf_auth_rate_limit_per_ip >= 100
    error_message = "WAF rate-based rules accept 100 or more."
  }
}

variable "authorizer_cache_ttl_seconds" {
  type        = number
  description = "How long API Gateway caches an Allow for a token. The API still checks revocation itself, so a revoked token stops at once either way."
  default     = 300

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600
    error_message = "authorizer_cache_ttl_seconds must be 0 to 3600."
  }
}

variable "image_cache_ttl_seconds" {
  type        = number
  description = "How long CloudFront keeps an image. Keys are never reused, so longer is cheaper; but a deleted post's image stays reachable at the edge for up to this long."
  default     = 3600
}

variable "cloudfront_price_class" {
  type        = string
  description = "CloudFront edge locations to use (PriceClass_100 is North America and Europe, the cheapest; PriceClass_200 adds Asia including Japan)."
  default     = "PriceClass_200"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cloudfront_price_class)
    error_message = "cloudfront_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of every CloudWatch log group and of the S3 access logs."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 180, 365, ...)."
  }
}

variable "alarm_email" {
  type        = string
  description = "Address subscribed to the alarm topic (confirm the mail AWS sends). Null: no subscription; subscribe a pager or chat integration to the topic instead."
  default     = null
}

variable "reserved_concurrency" {
  type        = map(number)
  description = "Reserved concurrency per function (a cap that also protects RDS Proxy, and a floor no other function can take). Null for a function leaves it unreserved; a new account's concurrency quota (often 10) leaves nothing to reserve, so dev sets nulls."
  default = {
    auth       = 10
    posts      = 20
    likes      = 10
    comments   = 10
    authorizer = 10
  }

  validation {
    condition     = alltrue([for k, v in var.reserved_concurrency : contains(["auth", "posts", "likes", "comments", "authorizer"], k) && (v == null ? true : v >= 1)])
    error_message = "reserved_concurrency keys are auth, posts, likes, comments, authorizer; values are 1 or more, or null (0 would stop the function)."
  }
}

variable "provisioned_concurrency" {
  type        = map(number)
  description = "Pre-initialised environments per function on the 'current' alias (no cold starts for that many concurrent requests; billed around the clock). 0 in dev."
  default = {
    auth       = 0
    posts      = 0
    likes      = 0
    comments   = 0
    authorizer = 0
  }

  validation {
    condition     = alltrue([for k, v in var.provisioned_concurrency : contains(["auth", "posts", "likes", "comments", "authorizer"], k) && v >= 0])
    error_message = "provisioned_concurrency keys are auth, posts, likes, comments, authorizer; values are 0 or more."
  }
}

variable "alarm_api_p99_latency_ms" {
  type        = number
  description = "Alarm when the API's p99 latency stays above this (ms) for 15 minutes."
  default     = 3000
}

variable "alarm_api_5xx_rate" {
  type        = number
  description = "Alarm when this fraction of requests (0.02 = 2%) ends in 5xx for 10 minutes."
  default     = 0.02
}

variable "secrets_version" {
  type        = string
  description = "Bump after putting a new JWT key or database password: each function's configuration changes with it, so lambroll publishes new versions and no warm sandbox keeps serving with the old secret (a sandbox reads secrets once, at cold start)."
  default     = "1"
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a destroyed stage's secrets can still be restored (their names stay taken meanwhile, so the stage cannot be created again). Default: 7 for prod, 0 elsewhere, so a dev or staging stage can be destroyed and re-created at once."
  default     = null
}

