output "function_log_group_names" {
  description = "Log group name per function key."
  value       = { for k, g in aws_cloudwatch_log_group.function : k => g.name }
}

output "alarm_topic_arn" {
  description = "SNS topic of every alarm."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}
