output "images_bucket_id" {
  description = "Name of the images bucket."
  value       = aws_s3_bucket.images.id
}

output "images_bucket_arn" {
  description = "ARN of the images bucket."
  value       = aws_s3_bucket.images.arn
}

output "images_bucket_regional_domain_name" {
  description = "Regional domain name, CloudFront's origin."
  value       = aws_s3_bucket.images.bucket_regional_domain_name
}

output "logs_bucket_id" {
  description = "Bucket of the S3 access logs."
  value       = aws_s3_bucket.logs.id
}

output "artifacts_bucket_id" {
  description = "Bucket lambroll uploads the deployment package to."
  value       = aws_s3_bucket.artifacts.id
}
