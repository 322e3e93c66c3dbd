output "rest_api_id" {
  description = "Id of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "rest_api_name" {
  description = "Name of the REST API (CloudWatch dimension ApiName)."
  value       = aws_api_gateway_rest_api.this.name
}

output "invoke_url" {
  description = "https://<id>.execute-api.<region>.amazonaws.com/<stage>"
  value       = aws_api_gateway_stage.this.invoke_url
}

output "stage_arn" {
  description = "ARN of the stage (the WAF association's resource)."
  value       = aws_api_gateway_stage.this.arn
}

output "api_key_ids" {
  description = "API key id per client app."
  value       = { for k, v in aws_api_gateway_api_key.client : k => v.id }
}

output "waf_web_acl_name" {
  description = "Name of the web ACL (CloudWatch dimension WebACL)."
  value       = aws_wafv2_web_acl.this.name
}

output "access_log_group_name" {
  description = "Log group of the access log."
  value       = aws_cloudwatch_log_group.access.name
}

output "gateway_routes" {
  description = "Route key to gateway path, as the module built them (for review)."
  value       = { for k, r in local.route_map : k => "${upper(r.method)} ${r.gateway_path} -> ${r.function_group} (auth ${r.auth})" }
}
