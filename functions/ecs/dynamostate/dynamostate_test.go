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

// TestStore runs the conformance suite through the real SDK against
// dynalite, one table per case with the schema Terraform creates.
func TestStore(t *testing.T) {
	client := localClient(t)
	var tables atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		table := fmt.Sprintf("tracegrid-state-%d", tables.Add(1))
		createTable(t, client, table)
		return dynamostate.NewWithClock(client, table, now)
	})
}

// localClient starts dynalite and returns a client configured the way the
// Lambda's is (config.LoadDefaultConfig), pointed at dynalite by the SDK's
// own endpoint override variable.
func localClient(t *testing.T) *dynamodb.Client {
	t.Helper()
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
	return dynamodb.NewFromConfig(cfg)
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

// TestServiceErrors: what is not a conflict or a missing key comes back as
// an error naming the table and key, for the function to log and retry.
func TestServiceErrors(t *testing.T) {
	client := localClient(t)
	createTable(t, client, "tracegrid-state")
	foreign := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "foreign"}, "note": &types.AttributeValueMemberS{Value: "written by hand"}}
	if _, err := client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String("tracegrid-state"), Item: foreign}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, table, key string
		put              bool
		want             []string
	}{
		{"get from a missing table", "no-such-table", "k", false, []string{`get "k" from no-such-table`, "ResourceNotFoundException"}},
		{"put to a missing table", "no-such-table", "k", true, []string{`put "k" to no-such-table`, "ResourceNotFoundException"}},
		{"item the store did not write", "tracegrid-state", "foreign", false, []string{`item "foreign" in tracegrid-state`, "expires_at"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dynamostate.New(client, tt.table)
			var err error
			if tt.put {
				_, err = s.Put(t.Context(), tt.key, []byte("v"), "", time.Hour)
			} else {
				_, _, err = s.Get(t.Context(), tt.key)
			}
			storetest.WantServiceError(t, err, tt.want...)
		})
	}
}
