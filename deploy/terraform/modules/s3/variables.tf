variable "name" {
  type        = string
  description = "Name prefix (<project>-<stage>)."
}

variable "account_id" {
  type        = string
  description = "Account id, to make the bucket names globally unique."
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Origins whose browsers PUT images with presigned URLs. Empty: no CORS rule (no browser uploads)."
}

variable "cloudfront_distribution_arn" {
  type        = string
  description = "The only reader of the images bucket (origin access control)."
}

variable "image_key_prefix" {
  type        = string
  description = "Prefix of every image key the API issues (posts/<user_id>/<uuid>.<ext>)."
  default     = "posts/"
}

variable "deleted_image_retention_days" {
  type        = number
  description = "Days a deleted or replaced image stays recoverable as a noncurrent version before S3 removes it."
  default     = 30
}

variable "log_retention_days" {
  type        = number
  description = "Days the access logs are kept."
}
