resource "aws_api_gateway_stage" "prod" {
  rest_api_id          = aws_api_gateway_rest_api.pets.id
  deployment_id        = aws_api_gateway_deployment.pets.id
  stage_name           = "prod"
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = jsonencode({ requestId = "$context.requestId" })
  }
}

check "prod_stage_baseline" {
  assert {
    condition = alltrue([
      for f in provider::secbaseline::resource_findings("aws_api_gateway_stage", aws_api_gateway_stage.prod) :
      f.status != "FAIL"
    ])
    error_message = join("\n", [
      for f in provider::secbaseline::resource_findings("aws_api_gateway_stage", aws_api_gateway_stage.prod) :
      "${f.control_id}: ${f.message}" if f.status == "FAIL"
    ])
  }
}
