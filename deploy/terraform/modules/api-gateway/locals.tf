# The REST API is generated from routes.json as an OpenAPI document with API Gateway's
# extensions: one method per route, a Lambda proxy integration to the route's function, the JWT
# authorizer on "required" routes only (optional-auth routes such as GET /api/v1/posts must reach
# the API without a token), an OPTIONS method on every path for CORS preflights (browsers send them
# without credentials or keys), and an ANY method for the rest: the function answers 405 with
# Allow, so CORS rules and method lists live in one place, the API. ANY needs the API key when keys
# are required, so no keyless request reaches a function outside the usage plan.
#
# Everything here is computed from the variables alone (no resource, no provider), so that
# SocialMedia.Tests/Deploy evaluates it offline with `terraform console`.

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
        options = {
          summary                           = "CORS preflight of ${p}, answered by the function from the API's CORS settings"
          parameters                        = local.path_parameters[p]
          responses                         = local.proxied
          "x-amazon-apigateway-integration" = local.integration[local.path_groups[p][0]]
        }
        "x-amazon-apigateway-any-method" = merge(
          {
            summary                           = "Any other method of ${p}: 405 with Allow, answered by the function"
            parameters                        = local.path_parameters[p]
            responses                         = local.proxied
            "x-amazon-apigateway-integration" = local.integration[local.path_groups[p][0]]
          },
          { for field in(var.require_api_key && startswith(p, "/api/") ? ["security"] : []) : field => [{ api_key = [] }] },
        )
      },
    )
  }

  # Answers API Gateway gives without calling a function, shaped like the API's own errors
  # (RFC 9457 problem details). The Origin echo lets a browser app read the status of a 401 or
  # 429 instead of seeing an opaque CORS failure; these bodies carry nothing but the error.
  problem_base = "https://social-media-api.dev/problems/"
  problems = {
    MISSING_AUTHENTICATION_TOKEN = { status = 404, slug = "not-found", title = "Not found", detail = "The resource does not exist." }
    UNAUTHORIZED                 = { status = 401, slug = "unauthorized", title = "Unauthorized", detail = "A valid bearer token is required." }
    ACCESS_DENIED                = { status = 403, slug = "forbidden", title = "Forbidden", detail = "You are not allowed to do this." }
    INVALID_API_KEY              = { status = 403, slug = "forbidden", title = "Forbidden", detail = "A valid x-api-key header is required." }
    API_CONFIGURATION_ERROR      = { status = 500, slug = "internal", title = "Internal server error", detail = "An unexpected error occurred. Quote the trace_id when reporting it." }
    # The authorizer failed rather than refused: its database was unreachable (the API itself
    # answers 503 then too), or it crashed. The client should retry, as after any 503.
    AUTHORIZER_FAILURE             = { status = 503, slug = "unavailable", title = "Service unavailable", detail = "A service this request depends on is unavailable. Try again after Retry-After seconds." }
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
    UNAUTHORIZED       = tomap({ "gatewayresponse.header.WWW-Authenticate" = "'Bearer error=\"invalid_token\"'" })
    THROTTLED          = tomap({ "gatewayresponse.header.Retry-After" = "'1'" })
    AUTHORIZER_FAILURE = tomap({ "gatewayresponse.header.Retry-After" = "'5'" })
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
  # A method setting names its resource path with every "/" escaped as "~1" (the leading one too):
  # "~1api~1v1~1auth~1login/POST". Unescaped, API Gateway takes the first segment for the path and
  # refuses or misapplies the rest.
  auth_method_paths = [
    for r in values(local.route_map) : "${replace(r.gateway_path, "/", "~1")}/${upper(r.method)}"
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

  # The rules of the two AWS managed rule groups (their documented names), each overridden in
  # main.tf: a block answers the API's problem body, and the common set's body rules only count.
  waf_common_rules = [
    "NoUserAgent_HEADER", "UserAgent_BadBots_HEADER", "SizeRestrictions_QUERYSTRING", "SizeRestrictions_Cookie_HEADER",
    "SizeRestrictions_BODY", "SizeRestrictions_URIPATH", "EC2MetaDataSSRF_BODY", "EC2MetaDataSSRF_COOKIE",
    "EC2MetaDataSSRF_URIPATH", "EC2MetaDataSSRF_QUERYARGUMENTS", "GenericLFI_QUERYARGUMENTS", "GenericLFI_URIPATH",
    "GenericLFI_BODY", "RestrictedExtensions_URIPATH", "RestrictedExtensions_QUERYARGUMENTS", "GenericRFI_QUERYARGUMENTS",
    "GenericRFI_BODY", "GenericRFI_URIPATH", "CrossSiteScripting_COOKIE", "CrossSiteScripting_QUERYARGUMENTS",
    "CrossSiteScripting_BODY", "CrossSiteScripting_URIPATH",
  ]
  waf_known_bad_inputs_rules = [
    "JavaDeserializationRCE_HEADER", "JavaDeserializationRCE_BODY", "JavaDeserializationRCE_URIPATH", "JavaDeserializationRCE_QUERYSTRING",
    "Host_localhost_HEADER", "PROPFIND_METHOD", "ExploitablePaths_URIPATH", "Log4JRCE_HEADER", "Log4JRCE_QUERYSTRING",
    "Log4JRCE_BODY", "Log4JRCE_URIPATH",
  ]
}
