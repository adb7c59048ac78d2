package ecs

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tracegrid/tracegrid/functions/ecs/dynamostate"
	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// TestDurableDedupAcrossColdStarts wires TRACEGRID_DYNAMODB_TABLE to the
// DynamoDB store (dynalite, DynamoDB's JSON protocol in Node, reached
// through AWS_ENDPOINT_URL_DYNAMODB) and redelivers one event to a second,
// freshly started function instance: Slack gets one message.
func TestDurableDedupAcrossColdStarts(t *testing.T) {
	dynalite := storetest.Emulator{
		Name: "dynalite",
		Env:  "DYNALITE_BIN",
		Args: func(port int) []string {
			return []string{"--host", "127.0.0.1", "--port", strconv.Itoa(port), "--createTableMs", "0"}
		},
	}
	addr := dynalite.Start(t)
	fake := fakeslack.New(testToken)
	defer fake.Close()
	aws0 := newFakeAWS(t, nil)
	setEnv(t, awsEnv(t, aws0))
	slackEnv(t, fake)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://"+addr)
	const table = "tracegrid-ecs-state"
	t.Setenv(EnvDynamoDBTable, table)
	createStateTable(t, table)

	body := testevents.Read(t, evOOM)
	for i, want := range []string{"", "duplicate"} {
		rec := &opRecorder{}
		fn, _ := testFunction(rec) // a new instance: nothing in memory
		s, err := fn.Handle(context.Background(), body)
		if err != nil {
			t.Fatalf("instance %d: %v", i+1, err)
		}
		if len(s.Results) != 1 || s.Results[0].Suppressed != want {
			t.Fatalf("instance %d: results %+v, want suppressed %q", i+1, s.Results, want)
		}
		checkIAM(t, rec)
	}
	if n := len(fake.Messages()); n != 1 {
		t.Errorf("Slack has %d messages after a redelivery to a new instance, want 1", n)
	}
}

// createStateTable creates the table as the Terraform module declares it.
func createStateTable(t *testing.T, table string) {
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client := dynamodb.NewFromConfig(cfg)
	_, err = client.CreateTable(t.Context(), &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(dynamostate.KeyAttribute), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(dynamostate.KeyAttribute), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := waiter.Wait(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}
