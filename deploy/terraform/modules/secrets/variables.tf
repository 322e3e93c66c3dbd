variable "name" {
  type        = string
  description = "Secret name prefix (<project>/<stage>)."
}

variable "recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored (0 deletes at once)."
  default     = 7
}
