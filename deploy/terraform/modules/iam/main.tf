# One execution role per function, each allowed exactly what that function does:
#
#               logs  X-Ray  VPC ENIs  JWT key  DB credentials  images (posts/*)
#   auth         own    yes    yes       read     read            -
#   posts        own    yes    yes       read     read            put (presign), head, delete
#   likes        own    yes    yes       read     read            -
#   comments     own    yes    yes       read     read            -
#   authorizer   own    yes    yes       read     read            -
#   migrate      own    yes    yes       read     read            -
#
# Every API function validates bearer tokens itself as well (the authorizer is a first gate, and
# optional-auth routes have none), hence the JWT key everywhere. The authorizer needs the database
# for revocations (a logged-out token is refused before it reaches a function). migrate reads the
# JWT key only because the API refuses to start without one.

locals {
  # Every function that reaches the database runs in the VPC, and only those.
  db_functions = toset(concat(var.api_groups, ["authorizer", "migrate"]))
  s3_functions = toset(["posts"])
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = var.function_names

  name               = each.value
  description        = "Execution role of the ${each.key} function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "function" {
  for_each = var.function_names

  statement {
    sid     = "OwnLogGroup"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    # The log group itself is Terraform's (observability module), with a retention.
    resources = ["arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:/aws/lambda/${each.value}:*"]
  }

  statement {
    sid = "Traces"
    # Active tracing (the Lambda segments) and the ADOT collector's awsxray exporter.
    # X-Ray has no resource-level permissions for these.
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = contains(local.db_functions, each.key) ? [1] : []
    content {
      sid = "VpcNetworkInterfaces"
      # What AWSLambdaVPCAccessExecutionRole grants; EC2 offers no narrower resource here.
      actions = [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      resources = ["*"]
    }
  }

  # migrate never signs or reads a token.
  dynamic "statement" {
    for_each = each.key == "migrate" ? [] : [1]
    content {
      sid       = "JwtSigningKey"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.jwt_secret_arn]
    }
  }

  # The API functions and the authorizer get the DML-only role's credentials; only migrate gets
  # the master user's (and the role's, to set its password).
  dynamic "statement" {
    for_each = contains(local.db_functions, each.key) ? [1] : []
    content {
      sid       = "DatabaseCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = each.key == "migrate" ? [var.database_secret_arn, var.app_database_secret_arn] : [var.app_database_secret_arn]
    }
  }

  dynamic "statement" {
    for_each = contains(local.s3_functions, each.key) ? [1] : []
    content {
      sid = "PostImages"
      # PutObject is what a presigned PUT URL is signed with; GetObject covers HeadObject (the
      # API checks type and size of an upload); DeleteObject removes a replaced or deleted image.
      actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
      resources = ["${var.images_bucket_arn}/${var.image_key_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = contains(local.s3_functions, each.key) ? [1] : []
    content {
      sid = "TellMissingImagesApart"
      # Without ListBucket, HeadObject on a key nobody uploaded answers 403 instead of 404, and
      # the API could not say "no image has been uploaded under this key".
      actions   = ["s3:ListBucket"]
      resources = [var.images_bucket_arn]
    }
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = var.function_names

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

# API Gateway calls the functions (and the authorizer) with this role instead of resource-based
# permissions on each function: the functions belong to lambroll and may not exist yet when
# Terraform runs, and a role keeps every grant in one reviewable place.
data "aws_iam_policy_document" "api_gateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "api_gateway_invoke" {
  name               = "${var.name}-apigw-invoke"
  description        = "API Gateway invokes the API functions and the authorizer"
  assume_role_policy = data.aws_iam_policy_document.api_gateway_assume.json
}

data "aws_iam_policy_document" "api_gateway_invoke" {
  statement {
    sid       = "InvokeTheStageFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = var.invokable_function_arns
  }
}

resource "aws_iam_role_policy" "api_gateway_invoke" {
  name   = "invoke-functions"
  role   = aws_iam_role.api_gateway_invoke.id
  policy = data.aws_iam_policy_document.api_gateway_invoke.json
}
