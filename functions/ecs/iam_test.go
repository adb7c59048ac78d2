package ecs

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// TestIAMActions runs the function's whole AWS path (Slack secret at cold
// start, DescribeTaskDefinition, GetLogEvents, and DescribeImages for the
// registry check of a pull failure) with a middleware that
// records the operations the SDK clients really invoke, and checks the
// recorded set against IAMActions both ways: nothing called is missing from
// the list, and nothing listed is never called (the DynamoDB actions are
// checked by TestDurableDedupAcrossColdStarts, which needs dynalite).
func TestIAMActions(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	aws := newFakeAWS(t, map[string]awsReply{
		targetGetSecretValue:         {body: strings.Replace(recorded(t, "secretsmanager.GetSecretValue.DERIVED.json"), "{{SECRET}}", testToken, 1)},
		targetDescribeTaskDefinition: {body: recorded(t, "ecs.DescribeTaskDefinition.webapp-15.DERIVED.json")},
		targetGetLogEvents:           {body: recorded(t, "logs.GetLogEvents.awsdocs.json")},
	})
	aws.route(targetDescribeImages, ecrWorlds(t, 0))
	setEnv(t, awsEnv(t, aws))
	t.Setenv(EnvVerify, "on")
	slackEnv(t, fake)
	t.Setenv("SLACK_BOT_TOKEN", "")
	t.Setenv("SLACK_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:0123456789:secret:tracegrid/slack-a1b2c3")
	t.Setenv(EnvEnrich, "")
	rec := &opRecorder{}
	fn, _ := testFunction(rec)
	if _, err := fn.Handle(context.Background(), testevents.Read(t, evOOM)); err != nil {
		t.Fatal(err)
	}
	image := ecrHost + "/team/web:1.4.2"
	if _, err := fn.Handle(context.Background(), stoppedTask(t, evPull, 1, ambiguousPull(t, image), image, nil)); err != nil {
		t.Fatal(err)
	}
	called := rec.actions(t)
	checkIAM(t, rec)
	for _, a := range IAMActions {
		if !strings.HasPrefix(a, "dynamodb:") && !slices.Contains(called, a) {
			t.Errorf("IAMActions lists %s, which the function never called (called: %v)", a, called)
		}
	}
}
