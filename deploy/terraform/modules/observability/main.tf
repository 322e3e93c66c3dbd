# Logs with a retention, the alarms an operator is paged for, and one dashboard per stage.

# Lambda would create these on first invocation, with logs kept forever; creating them first
# (Terraform runs before lambroll) makes the retention hold from the first line.
resource "aws_cloudwatch_log_group" "function" {
  for_each = var.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
}

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  api_dimensions = { ApiName = var.api_name, Stage = var.api_stage }
  alarm_actions  = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${var.name}-api-5xx-rate"
  alarm_description   = "More than ${var.api_5xx_rate * 100}% of API requests end in 5xx (functions failing, timing out, or the database unreachable). Start from the access log and X-Ray."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = local.api_dimensions
  statistic           = "Average" # 5XXError is 0 or 1 per request: its average is the rate
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.api_5xx_rate
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_p99_latency" {
  alarm_name          = "${var.name}-api-p99-latency"
  alarm_description   = "p99 latency above ${var.api_p99_latency_ms} ms for 15 minutes: cold starts piling up, a slow query, or Aurora at its ACU ceiling."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.api_dimensions
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.api_p99_latency_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each = toset(var.api_functions)

  alarm_name          = "${var.name}-${each.key}-throttles"
  alarm_description   = "The ${each.key} function was throttled: its reserved concurrency (or the account's) is too small for the traffic. Raise reserved_concurrency or ask for a quota increase."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = var.function_names[each.key] }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Function errors are crashes and timeouts: the API turns its own exceptions into 500 problem
# responses, so any error here is the runtime or the platform failing.
# The authorizer refuses an expired or revoked token by failing its invocation with "Unauthorized"
# (that is how a TOKEN authorizer answers 401), and Lambda counts each refusal in Errors. Its alarm
# counts its own fault line instead: written only when it could not decide (the database or the
# signing key unavailable, a crash).
resource "aws_cloudwatch_log_metric_filter" "authorizer_faults" {
  name           = "${var.name}-authorizer-faults"
  log_group_name = aws_cloudwatch_log_group.function[var.authorizer_function].name
  pattern        = "\"AuthorizerFault\""

  metric_transformation {
    name          = "AuthorizerFaults"
    namespace     = var.name
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "authorizer_faults" {
  alarm_name          = "${var.name}-authorizer-faults"
  alarm_description   = "The authorizer could not decide (API Gateway answered 503 to requests with a token): the database or the JWT secret unavailable, or a crash. Refused tokens do not count. lambroll logs --function deploy/lambroll/authorizer/function.json"
  namespace           = var.name
  metric_name         = "AuthorizerFaults"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each = toset([for f in var.api_functions : f if f != var.authorizer_function])

  alarm_name          = "${var.name}-${each.key}-errors"
  alarm_description   = "The ${each.key} function crashed or timed out. lambroll logs --function deploy/lambroll/${each.key}/function.json"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.function_names[each.key] }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_capacity" {
  alarm_name          = "${var.name}-db-capacity"
  alarm_description   = "Aurora has used more than 80% of its ${var.db_max_capacity} ACU ceiling for 15 minutes; at the ceiling queries queue. Raise db_max_capacity or find the query (Performance Insights)."
  namespace           = "AWS/RDS"
  metric_name         = "ServerlessDatabaseCapacity"
  dimensions          = { DBClusterIdentifier = var.db_cluster_id }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.db_max_capacity * 0.8
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

locals {
  function_metric = {
    for metric in ["Invocations", "Errors", "Throttles", "ConcurrentExecutions"] : metric => [
      for f in var.api_functions : ["AWS/Lambda", metric, "FunctionName", var.function_names[f], { label = f }]
    ]
  }

  proxy_widgets = var.db_proxy_name == null ? [] : [
    {
      type = "metric", x = 16, y = 12, width = 8, height = 6
      properties = {
        title  = "RDS Proxy connections"
        region = var.region
        stat   = "Maximum"
        period = 60
        metrics = [
          ["AWS/RDS", "ClientConnections", "ProxyName", var.db_proxy_name, { label = "from functions" }],
          ["AWS/RDS", "DatabaseConnections", "ProxyName", var.db_proxy_name, { label = "to Aurora" }],
        ]
      }
    },
  ]

  dashboard = {
    widgets = concat([
      {
        type = "metric", x = 0, y = 0, width = 8, height = 6
        properties = {
          title  = "API requests and errors"
          region = var.region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApiGateway", "Count", "ApiName", var.api_name, "Stage", var.api_stage],
            ["AWS/ApiGateway", "4XXError", "ApiName", var.api_name, "Stage", var.api_stage],
            ["AWS/ApiGateway", "5XXError", "ApiName", var.api_name, "Stage", var.api_stage],
          ]
        }
      },
      {
        type = "metric", x = 8, y = 0, width = 8, height = 6
        properties = {
          title  = "API latency (ms)"
          region = var.region
          period = 60
          metrics = [
            ["AWS/ApiGateway", "Latency", "ApiName", var.api_name, "Stage", var.api_stage, { stat = "p50", label = "p50" }],
            ["AWS/ApiGateway", "Latency", "ApiName", var.api_name, "Stage", var.api_stage, { stat = "p99", label = "p99" }],
            ["AWS/ApiGateway", "IntegrationLatency", "ApiName", var.api_name, "Stage", var.api_stage, { stat = "p99", label = "integration p99" }],
          ]
          annotations = { horizontal = [{ value = var.api_p99_latency_ms, label = "p99 alarm" }] }
        }
      },
      {
        type = "metric", x = 16, y = 0, width = 8, height = 6
        properties = {
          title  = "WAF"
          region = var.region
          stat   = "Sum"
          period = 300
          metrics = [
            ["AWS/WAFV2", "AllowedRequests", "WebACL", var.waf_web_acl_name, "Region", var.region, "Rule", "ALL"],
            ["AWS/WAFV2", "BlockedRequests", "WebACL", var.waf_web_acl_name, "Region", var.region, "Rule", "ALL"],
          ]
        }
      },
      {
        type       = "metric", x = 0, y = 6, width = 8, height = 6
        properties = { title = "Function invocations", region = var.region, stat = "Sum", period = 60, metrics = local.function_metric["Invocations"] }
      },
      {
        type = "metric", x = 8, y = 6, width = 8, height = 6
        properties = {
          title   = "Function duration p99 (ms)"
          region  = var.region
          stat    = "p99"
          period  = 60
          metrics = [for f in var.api_functions : ["AWS/Lambda", "Duration", "FunctionName", var.function_names[f], { label = f }]]
        }
      },
      {
        type       = "metric", x = 16, y = 6, width = 8, height = 6
        properties = { title = "Concurrent executions", region = var.region, stat = "Maximum", period = 60, metrics = local.function_metric["ConcurrentExecutions"] }
      },
      {
        type = "metric", x = 0, y = 12, width = 8, height = 6
        properties = {
          title   = "Function errors and throttles"
          region  = var.region
          stat    = "Sum"
          period  = 60
          metrics = concat(local.function_metric["Errors"], local.function_metric["Throttles"])
        }
      },
      {
        type = "metric", x = 8, y = 12, width = 8, height = 6
        properties = {
          title  = "Aurora capacity (ACU) and CPU"
          region = var.region
          period = 60
          metrics = [
            ["AWS/RDS", "ServerlessDatabaseCapacity", "DBClusterIdentifier", var.db_cluster_id, { stat = "Maximum", label = "ACU" }],
            ["AWS/RDS", "CPUUtilization", "DBClusterIdentifier", var.db_cluster_id, { stat = "Maximum", label = "CPU %", yAxis = "right" }],
          ]
          annotations = { horizontal = [{ value = var.db_max_capacity, label = "max ACU" }] }
        }
      },
    ], local.proxy_widgets)
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode(local.dashboard)
}
