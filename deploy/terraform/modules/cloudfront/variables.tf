variable "name" {
  type        = string
  description = "Name prefix (<project>-<stage>)."
}

variable "bucket_regional_domain_name" {
  type        = string
  description = "Regional domain name of the images bucket."
}

variable "cache_ttl_seconds" {
  type        = number
  description = "Default and maximum time an image stays in the edge caches."
}

variable "price_class" {
  type        = string
  description = "CloudFront price class."
}
