# Mocked aws values shared by the module's and the example's terraform tests: the account facts
# and the ARNs the wiring assertions compare.
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { region = "eu-west-1" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "111122223333" }
}
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:111122223333:function:tracegrid-ecs" }
}
mock_resource "aws_sqs_queue" {
  defaults = { arn = "arn:aws:sqs:eu-west-1:111122223333:tracegrid-ecs-dlq", url = "https://sqs.eu-west-1.amazonaws.com/111122223333/tracegrid-ecs-dlq" }
}
mock_resource "aws_secretsmanager_secret" {
  defaults = { arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tracegrid-ecs-slack-AbCdEf" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::111122223333:role/tracegrid-ecs-1" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-1:111122223333:rule/tracegrid-ecs" }
}
