variable "name" {
  type        = string
  description = "Name prefix (<project>-<stage>)."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets (two AZs) for the cluster and the proxy."
}

variable "database_sg_id" {
  type        = string
  description = "Security group of the cluster."
}

variable "proxy_sg_id" {
  type        = string
  description = "Security group of RDS Proxy."
}

variable "engine_version" {
  type        = string
  description = "Aurora PostgreSQL engine version."
}

variable "min_capacity" {
  type        = number
  description = "Serverless v2 minimum ACUs."
}

variable "max_capacity" {
  type        = number
  description = "Serverless v2 maximum ACUs."
}

variable "instance_count" {
  type        = number
  description = "Number of db.serverless instances (the first is the writer)."
}

variable "backup_retention_days" {
  type        = number
  description = "Automated backup retention in days."
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the cluster from deletion and keep a final snapshot."
}

variable "database_name" {
  type        = string
  description = "Database the API uses."
  default     = "social"
}

variable "master_username" {
  type        = string
  description = "Owner of the schema; the API and the migrations connect as this user through the proxy."
  default     = "social_app"
}

variable "credentials_secret_name" {
  type        = string
  description = "Name of the Secrets Manager secret holding the database credentials."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the PostgreSQL log group."
}

variable "proxy_enabled" {
  type        = bool
  description = "Put RDS Proxy between the functions and Aurora. False connects them to the cluster directly (a dev-only saving: the proxy bills at least 8 ACUs around the clock)."
  default     = true
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days the destroyed credentials secret can still be restored (0 deletes it at once)."
  default     = 7
}

variable "app_username" {
  type        = string
  description = "Database role the functions connect as (created by the migrate function)."
  default     = "socialmedia_app"
}
