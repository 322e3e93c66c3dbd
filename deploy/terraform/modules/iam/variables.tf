variable "name" {
  type        = string
  description = "Name prefix (<project>-<stage>)."
}

variable "partition" {
  type        = string
  description = "AWS partition (aws, aws-cn, ...)."
}

variable "region" {
  type        = string
  description = "Region of the functions."
}

variable "account_id" {
  type        = string
  description = "Account of the functions."
}

variable "function_names" {
  type        = map(string)
  description = "Function name per function key (auth, posts, likes, comments, authorizer, migrate)."
}

variable "api_groups" {
  type        = list(string)
  description = "The API function groups (they run in the VPC and use the database)."
}

variable "jwt_secret_arn" {
  type        = string
  description = "Secret of the JWT signing key."
}

variable "database_secret_arn" {
  type        = string
  description = "Secret of the database master credentials (the migrate function only)."
}

variable "app_database_secret_arn" {
  type        = string
  description = "Secret of the API's DML-only database role."
}

variable "images_bucket_arn" {
  type        = string
  description = "The images bucket."
}

variable "image_key_prefix" {
  type        = string
  description = "Key prefix of every image the API writes."
}

variable "invokable_function_arns" {
  type        = list(string)
  description = "Function alias ARNs API Gateway may invoke."
}
