package ecs

// IAMActions lists every AWS API action this function calls, as IAM action
// names. The Terraform module's policy must grant exactly these (the
// terraform tests read this list); iam_test.go checks that every call the
// SDK clients make during the tests is listed.
// The DynamoDB actions are those of the durable dedup store
// (functions/ecs/dynamostate), used when TRACEGRID_DYNAMODB_TABLE is set.
var IAMActions = []string{
	"dynamodb:GetItem",
	"dynamodb:PutItem",
	"ecr:DescribeImages",
	"ecs:DescribeTaskDefinition",
	"logs:GetLogEvents",
	"secretsmanager:GetSecretValue",
}
