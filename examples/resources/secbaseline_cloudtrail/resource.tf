# The recommended trail with everything it needs, created by the resource.
resource "secbaseline_cloudtrail" "main" {
  name = "main"

  tags = {
    owner = "platform"
  }
}

# Delivering to an existing bucket and key, with Insights and S3 data events.
resource "secbaseline_cloudtrail" "org" {
  name              = "org-audit"
  s3_bucket_name    = "my-existing-trail-bucket"
  kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  retention_in_days = 731
  insight_selectors = ["ApiCallRateInsight", "ApiErrorRateInsight"]

  data_events {
    s3_object_arns = ["arn:aws:s3"]
  }
}

output "controls" {
  value = secbaseline_cloudtrail.main.controls_satisfied
}
