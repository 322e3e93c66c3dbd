# Images are read through CloudFront only; origin access control signs CloudFront's requests to
# the private bucket (the bucket policy names this distribution).

resource "aws_cloudfront_origin_access_control" "images" {
  name                              = "${var.name}-images"
  description                       = "CloudFront reads the private images bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# Image keys are never reused (posts/<user>/<uuid>.<ext>), so caching is safe; the TTL only
# bounds how long a deleted post's image can still be fetched from an edge.
resource "aws_cloudfront_cache_policy" "images" {
  name        = "${var.name}-images"
  comment     = "Immutable image keys; no cookies, headers or query strings in the key"
  min_ttl     = 0
  default_ttl = var.cache_ttl_seconds
  max_ttl     = var.cache_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = false # JPEG, PNG and GIF do not compress further
    enable_accept_encoding_gzip   = false

    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "images" {
  name    = "${var.name}-images"
  comment = "Images may be fetched by any web app; nothing sniffs them as another type"

  cors_config {
    access_control_allow_credentials = false
    access_control_max_age_sec       = 86400
    origin_override                  = true

    access_control_allow_headers {
      items = ["*"]
    }
    access_control_allow_methods {
      items = ["GET", "HEAD"]
    }
    access_control_allow_origins {
      items = ["*"]
    }
  }

  security_headers_config {
    content_type_options {
      override = true
    }
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = false
      override                   = true
    }
  }
}

resource "aws_cloudfront_distribution" "images" {
  enabled         = true
  comment         = "${var.name} post images"
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class

  origin {
    origin_id                = "images"
    domain_name              = var.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.images.id
  }

  default_cache_behavior {
    target_origin_id           = "images"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = false
    cache_policy_id            = aws_cloudfront_cache_policy.images.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.images.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # The default *.cloudfront.net certificate; a custom domain needs an ACM certificate in
  # us-east-1 (and then minimum_protocol_version = "TLSv1.2_2021").
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
