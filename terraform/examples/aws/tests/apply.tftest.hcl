# One `terraform apply` of this example against a mocked aws 6.x. Needs `make dist`
# (dist/ecs.zip) and an aws provider binary for its schema, here the schema-only provider of
# ../shared/tools/awsschema.sh (docs/deploy.md, "Checking the modules"); not part of `make test`.
# The module's own tests (terraform/aws/tests) assert the wiring resource by resource.
mock_provider "aws" {
  source = "../../aws/tests/mocks"
}

variables {
  region        = "eu-west-1"
  slack_channel = "C0123456789"
}

run "apply" {
  command = apply

  assert {
    condition     = output.slack_secret_arn == "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tracegrid-ecs-slack-AbCdEf"
    error_message = "the secret to put the token in"
  }
  assert {
    condition     = output.dead_letter_queue_url == "https://sqs.eu-west-1.amazonaws.com/111122223333/tracegrid-ecs-dlq"
    error_message = "the dead-letter queue"
  }
}
