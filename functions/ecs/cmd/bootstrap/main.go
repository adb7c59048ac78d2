// Command bootstrap is the Tracegrid ECS function for AWS Lambda
// (provided.al2023 runtime, arm64). Build it with -tags lambda.norpc; it
// reads EventBridge ECS events and posts root causes to Slack.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tracegrid/tracegrid/functions/ecs"
)

func main() {
	lambda.Start(ecs.New())
}
