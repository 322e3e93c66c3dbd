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
