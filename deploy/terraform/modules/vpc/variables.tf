variable "name" {
  type        = string
  description = "Name prefix of the stage (<project>-<stage>)."
}

variable "region" {
  type        = string
  description = "Region, for the VPC endpoint service names."
}

variable "cidr" {
  type        = string
  description = "CIDR of the VPC."
}

variable "direct_database_access" {
  type        = bool
  description = "Let the functions reach Aurora directly (no RDS Proxy in the stage)."
  default     = false
}
