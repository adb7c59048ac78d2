package terraform_test

import (
	"testing"

	"github.com/tracegrid/tracegrid/functions/ecs/dynamostate"
	"github.com/tracegrid/tracegrid/functions/gke/gcsstate"
)

// TestStateStoresMatchTheCode checks the dedup state resources against the stores that use
// them: the DynamoDB key and TTL attributes of functions/ecs/dynamostate, and the object
// prefix the GCS lifecycle rule of functions/gke/gcsstate must cover.
func TestStateStoresMatchTheCode(t *testing.T) {
	t.Run("dynamodb", func(t *testing.T) {
		table := loadModule(t, "aws").one(t, "resource", "aws_dynamodb_table", "dedup")
		if got := literal(t, table.Body.Attributes["hash_key"].Expr).AsString(); got != dynamostate.KeyAttribute {
			t.Errorf("hash_key = %q, want %q", got, dynamostate.KeyAttribute)
		}
		if got := literal(t, table.Body.Attributes["billing_mode"].Expr).AsString(); got != "PAY_PER_REQUEST" {
			t.Errorf("billing_mode = %q, want on-demand", got)
		}
		if _, ok := table.Body.Attributes["range_key"]; ok {
			t.Errorf("the store reads items by partition key alone: no range_key")
		}
		var keyType, ttl string
		for _, b := range table.Body.Blocks {
			switch b.Type {
			case "attribute":
				if literal(t, b.Body.Attributes["name"].Expr).AsString() == dynamostate.KeyAttribute {
					keyType = literal(t, b.Body.Attributes["type"].Expr).AsString()
				}
			case "ttl":
				ttl = literal(t, b.Body.Attributes["attribute_name"].Expr).AsString()
			}
		}
		if keyType != "S" {
			t.Errorf("attribute %s type = %q, want S", dynamostate.KeyAttribute, keyType)
		}
		if ttl != dynamostate.TTLAttribute {
			t.Errorf("ttl attribute = %q, want %q", ttl, dynamostate.TTLAttribute)
		}
	})

	t.Run("gcs", func(t *testing.T) {
		bucket := loadModule(t, "gcp").one(t, "resource", "google_storage_bucket", "state")
		var prefixes []string
		for _, r := range bucket.Body.Blocks {
			if r.Type != "lifecycle_rule" {
				continue
			}
			for _, c := range r.Body.Blocks {
				if c.Type == "condition" {
					prefixes = stringsOf(t, literal(t, c.Body.Attributes["matches_prefix"].Expr))
				}
			}
		}
		if len(prefixes) != 1 || prefixes[0] != gcsstate.Prefix {
			t.Errorf("lifecycle rule matches_prefix = %v, want [%q]", prefixes, gcsstate.Prefix)
		}
	})
}
