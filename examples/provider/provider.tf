terraform {
  required_providers {
    secbaseline = {
      source = "secbaseline/secbaseline"
    }
  }
}

# Uses the standard AWS credential chain (environment, profiles, SSO, instance roles).
provider "secbaseline" {
  region = "us-east-1"

  # Optional: assume a role for the assessment.
  # assume_role {
  #   role_arn     = "arn:aws:iam::123456789012:role/SecurityAudit"
  #   session_name = "secbaseline"
  #   external_id  = "my-external-id"
  #   duration     = "1h"
  # }
}
