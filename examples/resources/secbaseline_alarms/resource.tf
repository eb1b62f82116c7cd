# The CIS metric filters and alarms on the trail's log group, an SNS topic, and 5XX/latency
# alarms for an API Gateway stage.
resource "secbaseline_cloudtrail" "main" {
  name = "main"
}

resource "secbaseline_alarms" "main" {
  cloudtrail_log_group_name = secbaseline_cloudtrail.main.log_group_name
  email_subscriptions       = ["security@example.com"]

  api_gateway {
    api_id               = "a1b2c3d4e5"
    stage                = "prod"
    latency_statistic    = "p99"
    latency_threshold_ms = 3000
  }
}

output "alarm_topic" {
  value = secbaseline_alarms.main.sns_topic_arn
}
