terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6, < 4.0"
    }
  }

  # Remote state: S3 with a DynamoDB lock table, created once per account by ./bootstrap.
  # The values live in backend.hcl (copy backend.hcl.example): terraform init -backend-config=backend.hcl
  # Each stage is a workspace; its state sits at s3://<bucket>/stages/<workspace>/social-media-api.tfstate,
  # which is the URL lambroll's --tfstate reads (deploy/deploy.sh builds it).
  backend "s3" {}
}
