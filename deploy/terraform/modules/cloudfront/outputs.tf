output "distribution_arn" {
  description = "ARN of the distribution (named in the bucket policy)."
  value       = aws_cloudfront_distribution.images.arn
}

output "distribution_id" {
  description = "Distribution id, for invalidations."
  value       = aws_cloudfront_distribution.images.id
}

output "domain_name" {
  description = "The distribution's domain (image_url base)."
  value       = aws_cloudfront_distribution.images.domain_name
}
