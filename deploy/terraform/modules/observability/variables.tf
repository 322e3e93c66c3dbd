variable "name" {
  type        = string
  description = "Name prefix (<project>-<stage>)."
}

variable "region" {
  type        = string
  description = "Region of the metrics (dashboard widgets)."
}

variable "function_names" {
  type        = map(string)
  description = "Function name per function key."
}

variable "api_functions" {
  type        = list(string)
  description = "Function keys behind API Gateway (throttle and error alarms)."
}

variable "authorizer_function" {
  type        = string
  description = "Function key of the authorizer."
}

variable "api_name" {
  type        = string
  description = "REST API name (ApiName dimension)."
}

variable "api_stage" {
  type        = string
  description = "Stage name (Stage dimension)."
}

variable "db_cluster_id" {
  type        = string
  description = "Aurora cluster identifier."
}

variable "db_proxy_name" {
  type        = string
  description = "RDS Proxy name, or null when the stage has none."
  default     = null
}

variable "db_max_capacity" {
  type        = number
  description = "Aurora maximum ACUs; the capacity alarm fires at 80% of it."
}

variable "waf_web_acl_name" {
  type        = string
  description = "WAF web ACL name."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function log groups."
}

variable "alarm_email" {
  type        = string
  description = "Address subscribed to the alarm topic, or null."
}

variable "api_p99_latency_ms" {
  type        = number
  description = "p99 latency alarm threshold in milliseconds."
}

variable "api_5xx_rate" {
  type        = number
  description = "5xx rate alarm threshold (fraction of requests)."
}
