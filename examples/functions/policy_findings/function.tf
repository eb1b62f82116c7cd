data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["apigateway:GET", "apigateway:POST"]
    resources = ["arn:aws:apigateway:us-east-1::/restapis/*"]
  }
}

resource "aws_iam_policy" "deploy" {
  name   = "deploy"
  policy = data.aws_iam_policy_document.deploy.json

  lifecycle {
    precondition {
      condition = alltrue([
        for f in provider::secbaseline::policy_findings(data.aws_iam_policy_document.deploy.json) :
        f.status != "FAIL"
      ])
      error_message = "The deploy policy grants too much: see provider::secbaseline::policy_findings."
    }
  }
}
