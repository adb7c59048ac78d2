// Package dynamostate keeps the notifier's state (seen deliveries, open
// incidents) in a DynamoDB table, so dedup survives Lambda cold starts and
// concurrent invocations.
//
// The table has a string partition key "pk" and no sort key; TTL is enabled
// on the number attribute "expires_at" (epoch seconds). DynamoDB deletes
// expired items in the background, typically within days, so Get and
// Put treat an item whose expires_at has passed as absent. Every write is a
// conditional PutItem: the compare-and-swap is atomic on the server, across
// any number of concurrent Lambda instances. Limits: a key up to 2048
// bytes (the partition key limit), a value up to about 399 KB (the 400 KB
// item limit). The function's role needs dynamodb:GetItem and
// dynamodb:PutItem on the table.
package dynamostate

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tracegrid/tracegrid/shared/notify"
)

// Attribute names of a state item.
const (
	// KeyAttribute is the table's partition key (type S): the state key.
	KeyAttribute = "pk"
	// TTLAttribute is the table's TTL attribute (type N, epoch seconds).
	TTLAttribute = "expires_at"
	valueAttr    = "val"
	versionAttr  = "ver"
)

// Store is a notify.Store backed by one DynamoDB table.
type Store struct {
	client *dynamodb.Client
	table  string
	now    func() time.Time
}

var _ notify.Store = (*Store)(nil)

// New returns a Store that keeps state in table through client.
func New(client *dynamodb.Client, table string) *Store {
	return NewWithClock(client, table, time.Now)
}

// NewWithClock is New with the time source used for expiry.
func NewWithClock(client *dynamodb.Client, table string, now func() time.Time) *Store {
	return &Store{client: client, table: table, now: now}
}

// Get implements notify.Store. It reads with ConsistentRead, so a version
// written by another instance a moment ago is seen.
func (s *Store) Get(ctx context.Context, key string) ([]byte, string, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: key}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, "", fmt.Errorf("dynamostate: get %q from %s: %w", key, s.table, err)
	}
	if out.Item == nil {
		return nil, "", notify.ErrNotFound
	}
	expires, err := numberAttr(out.Item, TTLAttribute)
	if err != nil {
		return nil, "", fmt.Errorf("dynamostate: item %q in %s: %w", key, s.table, err)
	}
	if expires <= s.now().Unix() {
		return nil, "", notify.ErrNotFound
	}
	val, okVal := out.Item[valueAttr].(*types.AttributeValueMemberB)
	ver, okVer := out.Item[versionAttr].(*types.AttributeValueMemberS)
	if !okVal || !okVer {
		return nil, "", fmt.Errorf("dynamostate: item %q in %s lacks %s (B) or %s (S)", key, s.table, valueAttr, versionAttr)
	}
	return val.Value, ver.Value, nil
}

// Put implements notify.Store with one conditional PutItem. A create
// succeeds when no live item exists (none, or an expired one not yet
// deleted); an update when the live item's version matches.
func (s *Store) Put(ctx context.Context, key string, value []byte, version string, ttl time.Duration) (string, error) {
	now := s.now()
	newVersion := rand.Text()
	in := &dynamodb.PutItemInput{
		TableName: aws.String(s.table),
		Item: map[string]types.AttributeValue{
			KeyAttribute: &types.AttributeValueMemberS{Value: key},
			valueAttr:    &types.AttributeValueMemberB{Value: value},
			versionAttr:  &types.AttributeValueMemberS{Value: newVersion},
			TTLAttribute: &types.AttributeValueMemberN{Value: strconv.FormatInt(expiresAt(now, ttl), 10)},
		},
		ExpressionAttributeNames: map[string]string{"#exp": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)},
		},
	}
	if version == "" {
		in.ConditionExpression = aws.String("attribute_not_exists(#pk) OR #exp <= :now")
		in.ExpressionAttributeNames["#pk"] = KeyAttribute
	} else {
		in.ConditionExpression = aws.String("#ver = :ver AND #exp > :now")
		in.ExpressionAttributeNames["#ver"] = versionAttr
		in.ExpressionAttributeValues[":ver"] = &types.AttributeValueMemberS{Value: version}
	}
	if _, err := s.client.PutItem(ctx, in); err != nil {
		if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
			return "", notify.ErrConflict
		}
		return "", fmt.Errorf("dynamostate: put %q to %s: %w", key, s.table, err)
	}
	return newVersion, nil
}

// expiresAt is the TTL attribute's value: now+ttl rounded up to a whole
// second, the first second at which the item counts as expired.
func expiresAt(now time.Time, ttl time.Duration) int64 {
	end := now.Add(ttl)
	secs := end.Unix()
	if end.After(time.Unix(secs, 0)) {
		secs++
	}
	return secs
}

func numberAttr(item map[string]types.AttributeValue, name string) (int64, error) {
	n, ok := item[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("no number attribute %s", name)
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("attribute %s = %q: %w", name, n.Value, err)
	}
	return v, nil
}
