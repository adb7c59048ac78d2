# Plans and applies this module against a mocked aws 6.x: nothing reaches AWS. Needs an aws
# provider binary for its schema; here that is the schema-only provider of
# ../shared/tools/awsschema.sh (see docs/deploy.md, "Checking the modules"); not part of `make test`.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  slack_channel = "C0123456789"
  package_path  = "tests/empty.zip" # only its hash is read
}

run "wiring" {
  command = apply

  # The trigger reaches the function: every rule targets it and may invoke it.
  assert {
    condition     = length(aws_cloudwatch_event_rule.ecs) == 4 && alltrue([for t in aws_cloudwatch_event_target.ecs : t.arn == aws_lambda_function.this.arn])
    error_message = "four rules, each targeting the function"
  }
  assert {
    condition     = alltrue([for k, p in aws_lambda_permission.events : p.principal == "events.amazonaws.com" && p.source_arn == aws_cloudwatch_event_rule.ecs[k].arn])
    error_message = "EventBridge may invoke the function, from its own rules only"
  }
  # The dead-letter targets are set: undeliverable events and failed invocations.
  assert {
    condition     = alltrue([for t in aws_cloudwatch_event_target.ecs : t.dead_letter_config[0].arn == aws_sqs_queue.dlq.arn])
    error_message = "EventBridge dead letters"
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == aws_sqs_queue.dlq.arn
    error_message = "Lambda on-failure destination"
  }
  # The secret is read at cold start, never an environment value or an output.
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["SLACK_SECRET_ARN"] == aws_secretsmanager_secret.slack[0].arn && !contains(keys(aws_lambda_function.this.environment[0].variables), "SLACK_BOT_TOKEN")
    error_message = "the function gets the secret's ARN, not the token"
  }
  assert {
    condition     = length(aws_secretsmanager_secret_version.slack) == 0
    error_message = "no secret version written without a token"
  }
  assert {
    condition     = aws_iam_role_policy.this.role == aws_iam_role.this.id
    error_message = "the permissions policy is on the function's role (its statements are checked by terraform/iam_test.go)"
  }
}

run "with_token" {
  command = apply
  variables {
    slack_token = "xoxb-test"
  }
  assert {
    condition     = length(aws_secretsmanager_secret_version.slack) == 1
    error_message = "the token becomes the secret's value"
  }
  assert {
    condition     = !contains(values(aws_lambda_function.this.environment[0].variables), "xoxb-test")
    error_message = "the token itself became an environment variable"
  }
}
