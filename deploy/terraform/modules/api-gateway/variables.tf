variable "name" {
  type        = string
  description = "Name of the REST API and prefix of its parts (<project>-<stage>)."
}

variable "stage" {
  type        = string
  description = "Stage name (dev, staging, prod): the first segment of every URL."
}

variable "region" {
  type        = string
  description = "Region of the API and the functions."
}

variable "partition" {
  type        = string
  description = "AWS partition."
}

variable "routes_file" {
  type        = string
  description = "Path of routes.json: method, path (as the API maps it), function_group and auth of every route."
}

variable "function_arns" {
  type        = map(string)
  description = "Alias ARN of the function serving each function group."
}

variable "authorizer_function_arn" {
  type        = string
  description = "Alias ARN of the JWT authorizer function."
}

variable "invoke_role_arn" {
  type        = string
  description = "Role API Gateway assumes to invoke the functions and the authorizer."
}

variable "authorizer_cache_ttl_seconds" {
  type        = number
  description = "Seconds an authorizer decision is cached per token."
}

variable "throttle_rate_limit" {
  type        = number
  description = "Requests per second for the stage (and per API key)."
}

variable "throttle_burst_limit" {
  type        = number
  description = "Burst for the stage (and per API key)."
}

variable "auth_throttle_rate_limit" {
  type        = number
  description = "Requests per second on the public auth routes (register, login)."
}

variable "require_api_key" {
  type        = bool
  description = "Require x-api-key on every declared route."
}

variable "api_clients" {
  type        = list(string)
  description = "Client apps that get an API key."
}

variable "usage_plan_quota_per_day" {
  type        = number
  description = "Requests per day per API key."
}

variable "waf_rate_limit_per_ip" {
  type        = number
  description = "WAF: requests per 5 minutes per address."
}

variable "waf_auth_rate_limit_per_ip" {
  type        = number
  description = "WAF: requests per 5 minutes per address to /api/v1/auth/*."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the access, execution and WAF log groups."
}
