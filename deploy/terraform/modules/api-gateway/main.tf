# Resources of the REST API; the OpenAPI body and the settings keys are computed in locals.tf.
resource "aws_api_gateway_rest_api" "this" {
  name                     = var.name
  description              = "SocialMedia API (${var.stage}); routes from routes.json"
  body                     = jsonencode(local.openapi)
  put_rest_api_mode        = "overwrite"
  api_key_source           = "HEADER"
  minimum_compression_size = "1024" # gzip answers over 1 KiB when the client accepts it (pages of posts)

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    precondition {
      condition     = alltrue([for r in local.routes : contains(["GET", "POST", "PUT", "PATCH", "DELETE"], upper(r.method))])
      error_message = "routes.json: method must be GET, POST, PUT, PATCH or DELETE."
    }
    precondition {
      condition     = alltrue([for r in local.routes : contains(keys(var.function_arns), r.function_group)])
      error_message = "routes.json names a function_group with no function: ${join(", ", distinct([for r in local.routes : r.function_group if !contains(keys(var.function_arns), r.function_group)]))}."
    }
    precondition {
      condition     = alltrue([for r in local.routes : contains(["required", "none"], r.auth)])
      error_message = "routes.json: auth must be \"required\" or \"none\"."
    }
    precondition {
      condition     = alltrue([for p, groups in local.path_groups : length(groups) == 1])
      error_message = "routes.json: all methods of one path must go to one function group (the path's ANY method needs one target)."
    }
    precondition {
      condition     = alltrue([for r in local.routes : length(regexall("\\{", r.path)) <= 1])
      error_message = "routes.json: at most one path parameter per route (the gateway names it {id})."
    }
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  triggers = {
    redeployment = sha1(aws_api_gateway_rest_api.this.body)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
}

# API Gateway would create this group itself, without a retention.
resource "aws_cloudwatch_log_group" "execution" {
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage}"
  retention_in_days = var.log_retention_days
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage
  description          = "The ${var.stage} stage"
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  depends_on = [aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttle_rate_limit
    throttling_burst_limit = var.throttle_burst_limit
    logging_level          = "ERROR"
    # Never log bodies: they hold passwords and tokens.
    data_trace_enabled = false
    # Per-method metrics are custom metrics (about 0.30 USD each a month, 7 per method); the
    # stage-wide ones the alarms use are free.
    metrics_enabled = false
  }
}

resource "aws_api_gateway_method_settings" "auth" {
  for_each = toset(local.auth_method_paths)

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = each.value

  settings {
    throttling_rate_limit  = var.auth_throttle_rate_limit
    throttling_burst_limit = var.auth_throttle_rate_limit * 2
    logging_level          = "ERROR"
    data_trace_enabled     = false
    metrics_enabled        = false
  }
}

resource "aws_api_gateway_api_key" "client" {
  for_each = toset(var.api_clients)

  name        = "${var.name}-${each.value}"
  description = "The ${each.value} app on ${var.stage}"
  enabled     = true
}

resource "aws_api_gateway_usage_plan" "this" {
  name        = var.name
  description = "Per-app throttle and daily quota on ${var.stage}"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = var.throttle_rate_limit
    burst_limit = var.throttle_burst_limit
  }

  quota_settings {
    limit  = var.usage_plan_quota_per_day
    period = "DAY"
  }
}

resource "aws_api_gateway_usage_plan_key" "client" {
  for_each = aws_api_gateway_api_key.client

  key_id        = each.value.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this.id
}

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = "Per-address rate limits and AWS managed rules in front of the ${var.stage} API"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "rate-limited"
    content_type = "APPLICATION_JSON"
    content = jsonencode({
      type   = "https://social-media-api.dev/problems/rate-limited"
      title  = "Too many requests"
      status = 429
      detail = "Too many requests from this address. Try again in a few minutes."
    })
  }

  # What WAF sends when a managed rule blocks: the API's own problem shape, not WAF's bare 403 page.
  custom_response_body {
    key          = "blocked"
    content_type = "APPLICATION_JSON"
    content = jsonencode({
      type   = "https://social-media-api.dev/problems/forbidden"
      title  = "Forbidden"
      status = 403
      detail = "The request was refused by the API's firewall. If it was an ordinary request, quote the time and path when reporting it."
    })
  }

  rule {
    name     = "auth-rate-per-ip"
    priority = 0

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate-limited"
          response_header {
            name  = "Retry-After"
            value = "300"
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit              = var.waf_auth_rate_limit_per_ip
        aggregate_key_type = "IP"

        scope_down_statement {
          byte_match_statement {
            search_string         = "/api/v1/auth/"
            positional_constraint = "CONTAINS"
            field_to_match {
              uri_path {}
            }
            text_transformation {
              priority = 0
              type     = "LOWERCASE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-auth-rate-per-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-per-ip"
    priority = 1

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate-limited"
          response_header {
            name  = "Retry-After"
            value = "300"
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit_per_ip
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-per-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-common"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # Rules that read the JSON body only count: post text may quote HTML, file paths or URLs
        # ("<script>", "../", "http://169.254.169.254"), which the API stores as text and never
        # interprets, and bodies past 8 KiB are the API's to refuse (413, up to 64 KiB). The
        # rest block with the API's problem body.
        dynamic "rule_action_override" {
          for_each = local.waf_common_rules
          content {
            name = rule_action_override.value
            action_to_use {
              dynamic "count" {
                for_each = endswith(rule_action_override.value, "_BODY") ? [1] : []
                content {}
              }
              dynamic "block" {
                for_each = endswith(rule_action_override.value, "_BODY") ? [] : [1]
                content {
                  custom_response {
                    response_code            = 403
                    custom_response_body_key = "blocked"
                  }
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-aws-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"

        dynamic "rule_action_override" {
          for_each = local.waf_known_bad_inputs_rules
          content {
            name = rule_action_override.value
            action_to_use {
              block {
                custom_response {
                  response_code            = 403
                  custom_response_body_key = "blocked"
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-aws-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "stage" {
  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}

# WAF requires the aws-waf-logs- prefix.
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "x-api-key"
    }
  }

  # Only what WAF blocked or counted: allowed traffic is already in the access log.
  logging_filter {
    default_behavior = "DROP"

    filter {
      behavior    = "KEEP"
      requirement = "MEETS_ANY"

      condition {
        action_condition {
          action = "BLOCK"
        }
      }

      condition {
        action_condition {
          action = "COUNT"
        }
      }
    }
  }
}
