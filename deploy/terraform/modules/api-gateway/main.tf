# The REST API is generated from routes.json as an OpenAPI document with API Gateway's
# extensions: one method per route, a Lambda proxy integration to the route's function, the JWT
# authorizer on "required" routes only (optional-auth routes such as GET /api/v1/posts must reach
# the API without a token), and an ANY method on every path for the rest (the function answers
# 405 with Allow, and CORS preflights, so CORS rules live in one place: the API's configuration).

locals {
  routes = jsondecode(file(var.routes_file)).routes

  # API Gateway allows one variable name per position of its resource tree, so
  # /posts/{id} and /posts/{post_id}/likes cannot both exist. Every path parameter is {id} at the
  # gateway; the functions route on the request's real path, so the name never reaches the API.
  route_map = {
    for r in local.routes : "${upper(r.method)} ${r.path}" => {
      method         = lower(r.method)
      path           = r.path
      gateway_path   = join("/", [for s in split("/", r.path) : length(regexall("^\\{.+\\}$", s)) > 0 ? "{id}" : s])
      function_group = r.function_group
      auth           = r.auth
    }
  }

  gateway_paths = distinct([for r in values(local.route_map) : r.gateway_path])
  path_groups = {
    for p in local.gateway_paths : p => distinct([for r in values(local.route_map) : r.function_group if r.gateway_path == p])
  }

  lambda_uri = {
    for g, arn in var.function_arns : g => "arn:${var.partition}:apigateway:${var.region}:lambda:path/2015-03-31/functions/${arn}/invocations"
  }

  integration = {
    for g, uri in local.lambda_uri : g => {
      type                = "aws_proxy"
      httpMethod          = "POST"
      uri                 = uri
      credentials         = var.invoke_role_arn
      passthroughBehavior = "when_no_match"
      timeoutInMillis     = 29000
    }
  }

  path_parameters = {
    for p in local.gateway_paths : p => [
      for s in split("/", p) : { name = trim(s, "{}"), in = "path", required = true, schema = { type = "string" } }
      if length(regexall("^\\{.+\\}$", s)) > 0
    ]
  }

  # Proxy integrations pass the function's status through; the document only needs one response.
  proxied = { "200" = { description = "Whatever the function answers (problem details on errors)" } }

  # Operational paths (/health) stay keyless so any uptime probe can call them.
  security_keys = {
    for k, r in local.route_map : k => concat(
      r.auth == "required" ? ["jwt"] : [],
      var.require_api_key && startswith(r.path, "/api/") ? ["api_key"] : [],
    )
  }

  operations = {
    for k, r in local.route_map : k => merge(
      {
        operationId                       = replace(title(replace("${r.method} ${r.path}", "/[^A-Za-z0-9]+/", " ")), " ", "")
        summary                           = "${upper(r.method)} ${r.path} (${r.function_group}, auth ${r.auth})"
        parameters                        = local.path_parameters[r.gateway_path]
        responses                         = local.proxied
        "x-amazon-apigateway-integration" = local.integration[r.function_group]
      },
      # Both keys in one requirement object: a valid token AND an API key. No key, no security.
      {
        for field in(length(local.security_keys[k]) > 0 ? ["security"] : []) : field => [{ for scheme in local.security_keys[k] : scheme => [] }]
      },
    )
  }

  paths = {
    for p in local.gateway_paths : p => merge(
      { for k, r in local.route_map : r.method => local.operations[k] if r.gateway_path == p },
      {
        "x-amazon-apigateway-any-method" = {
          summary                           = "Any other method of ${p}: 405 with Allow, or a CORS preflight, answered by the function"
          parameters                        = local.path_parameters[p]
          responses                         = local.proxied
          "x-amazon-apigateway-integration" = local.integration[local.path_groups[p][0]]
        }
      },
    )
  }

  # Answers API Gateway gives without calling a function, shaped like the API's own errors
  # (RFC 9457 problem details). The Origin echo lets a browser app read the status of a 401 or
  # 429 instead of seeing an opaque CORS failure; these bodies carry nothing but the error.
  problem_base = "https://social-media-api.dev/problems/"
  problems = {
    MISSING_AUTHENTICATION_TOKEN   = { status = 404, slug = "not-found", title = "Not found", detail = "The resource does not exist." }
    UNAUTHORIZED                   = { status = 401, slug = "unauthorized", title = "Unauthorized", detail = "A valid bearer token is required." }
    ACCESS_DENIED                  = { status = 403, slug = "forbidden", title = "Forbidden", detail = "You are not allowed to do this." }
    INVALID_API_KEY                = { status = 403, slug = "forbidden", title = "Forbidden", detail = "A valid x-api-key header is required." }
    API_CONFIGURATION_ERROR        = { status = 500, slug = "internal", title = "Internal server error", detail = "An unexpected error occurred. Quote the trace_id when reporting it." }
    AUTHORIZER_FAILURE             = { status = 500, slug = "internal", title = "Internal server error", detail = "An unexpected error occurred. Quote the trace_id when reporting it." }
    AUTHORIZER_CONFIGURATION_ERROR = { status = 500, slug = "internal", title = "Internal server error", detail = "An unexpected error occurred. Quote the trace_id when reporting it." }
    THROTTLED                      = { status = 429, slug = "rate-limited", title = "Too many requests", detail = "Too many requests. Try again later." }
    QUOTA_EXCEEDED                 = { status = 429, slug = "rate-limited", title = "Too many requests", detail = "This API key's daily quota is used up." }
    REQUEST_TOO_LARGE              = { status = 413, slug = "payload-too-large", title = "Payload too large", detail = "The request body is larger than 64 KiB." }
    INTEGRATION_FAILURE            = { status = 502, slug = "internal", title = "Bad gateway", detail = "The function failed to answer. Quote the trace_id when reporting it." }
    INTEGRATION_TIMEOUT            = { status = 504, slug = "internal", title = "Gateway timeout", detail = "The function did not answer in time. Quote the trace_id when reporting it." }
  }

  error_headers = {
    "gatewayresponse.header.Content-Type"                  = "'application/problem+json'"
    "gatewayresponse.header.Access-Control-Allow-Origin"   = "method.request.header.Origin"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'Retry-After, WWW-Authenticate'"
    "gatewayresponse.header.Vary"                          = "'Origin'"
  }

  extra_headers = tomap({
    UNAUTHORIZED = tomap({ "gatewayresponse.header.WWW-Authenticate" = "'Bearer error=\"invalid_token\"'" })
    THROTTLED    = tomap({ "gatewayresponse.header.Retry-After" = "'1'" })
  })

  gateway_responses = merge(
    {
      for type, p in local.problems : type => {
        statusCode         = tostring(p.status)
        responseParameters = merge(local.error_headers, lookup(local.extra_headers, type, {}))
        responseTemplates = {
          "application/json" = jsonencode({
            type     = "${local.problem_base}${p.slug}"
            title    = p.title
            status   = p.status
            detail   = p.detail
            trace_id = "$context.xrayTraceId"
          })
        }
      }
    },
    {
      for type in ["DEFAULT_4XX", "DEFAULT_5XX"] : type => {
        responseParameters = local.error_headers
        responseTemplates = {
          "application/json" = "{\"type\":\"about:blank\",\"title\":$context.error.messageString,\"trace_id\":\"$context.xrayTraceId\"}"
        }
      }
    },
  )

  openapi = {
    openapi = "3.0.1"
    info = {
      title       = var.name
      version     = "1"
      description = "Generated from deploy/terraform/routes.json by the api-gateway module."
    }
    paths = local.paths
    components = {
      securitySchemes = merge(
        {
          jwt = {
            type                           = "apiKey"
            name                           = "Authorization"
            in                             = "header"
            "x-amazon-apigateway-authtype" = "custom"
            "x-amazon-apigateway-authorizer" = {
              type                         = "token"
              authorizerUri                = "arn:${var.partition}:apigateway:${var.region}:lambda:path/2015-03-31/functions/${var.authorizer_function_arn}/invocations"
              authorizerCredentials        = var.invoke_role_arn
              authorizerResultTtlInSeconds = var.authorizer_cache_ttl_seconds
              # Anything that is not "Bearer <compact JWS>" is refused without invoking the authorizer.
              identityValidationExpression = "^[Bb]earer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$"
            }
          }
        },
        { for scheme in(var.require_api_key ? ["api_key"] : []) : scheme => { type = "apiKey", name = "x-api-key", in = "header" } },
      )
    }
    "x-amazon-apigateway-api-key-source"    = "HEADER"
    "x-amazon-apigateway-gateway-responses" = local.gateway_responses
  }

  # The public auth routes get a stricter method throttle (credential stuffing, sign-up spam).
  auth_method_paths = [
    for r in values(local.route_map) : "${trimprefix(r.gateway_path, "/")}/${upper(r.method)}"
    if startswith(r.path, "/api/v1/auth/") && r.auth == "none"
  ]

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    traceId            = "$context.xrayTraceId"
    ip                 = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    apiKeyId           = "$context.identity.apiKeyId"
    requestTime        = "$context.requestTime"
    method             = "$context.httpMethod"
    resource           = "$context.resourcePath"
    path               = "$context.path"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationLatency = "$context.integrationLatency"
    integrationStatus  = "$context.integration.status"
    integrationError   = "$context.integrationErrorMessage"
    userId             = "$context.authorizer.principalId"
    authorizerError    = "$context.authorizer.error"
    authorizerLatency  = "$context.authorizer.latency"
    wafStatus          = "$context.wafResponseCode"
    errorType          = "$context.error.responseType"
  })
}

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

        # The set blocks bodies over 8 KiB; the API accepts up to 64 KiB and answers 413 itself
        # past that, in the contract's shape. Counted, not blocked.
        rule_action_override {
          name = "SizeRestrictions_BODY"
          action_to_use {
            count {}
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
