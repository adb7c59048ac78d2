package dynamostate_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tracegrid/tracegrid/functions/ecs/dynamostate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// dynalite implements DynamoDB's JSON protocol (DynamoDB_20120810) in Node,
// including condition expressions and ConditionalCheckFailedException.
var dynalite = storetest.Emulator{
	Name: "dynalite",
	Env:  "DYNALITE_BIN",
	Args: func(port int) []string {
		return []string{"--host", "127.0.0.1", "--port", strconv.Itoa(port), "--createTableMs", "0"}
	},
}

// TestStore runs the conformance suite through the real SDK, pointed at
// dynalite with the SDK's own endpoint override variable, on a table with
// the schema Terraform creates.
func TestStore(t *testing.T) {
	addr := dynalite.Start(t)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://"+addr)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local-test-secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client := dynamodb.NewFromConfig(cfg)
	var tables atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		table := fmt.Sprintf("tracegrid-state-%d", tables.Add(1))
		createTable(t, client, table)
		return dynamostate.NewWithClock(client, table, now)
	})
}

// createTable creates table with the schema the Terraform module declares:
// partition key pk (S), on-demand billing. (dynalite has no
// UpdateTimeToLive; expiry is enforced by the store, not the sweeper.)
func createTable(t *testing.T, client *dynamodb.Client, table string) {
	t.Helper()
	_, err := client.CreateTable(t.Context(), &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(dynamostate.KeyAttribute), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(dynamostate.KeyAttribute), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("create table %s: %v", table, err)
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := waiter.Wait(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 10*time.Second); err != nil {
		t.Fatalf("table %s not active: %v", table, err)
	}
}
