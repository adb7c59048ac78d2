package eventpattern_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tracegrid/tracegrid/terraform/eventpattern"
)

func TestMatch(t *testing.T) {
	const event = `{
		"source": "aws.ecs",
		"detail-type": "ECS Task State Change",
		"resources": ["arn:aws:ecs:us-west-2:111122223333:service/default/web"],
		"detail": {"lastStatus": "STOPPED", "stopCode": "EssentialContainerExited",
			"containers": [{"exitCode": 137}, {"exitCode": 0}], "retries": 3.0, "gone": null}
	}`
	tests := []struct {
		name, pattern string
		want          bool
	}{
		{"exact", `{"source": ["aws.ecs"]}`, true},
		{"exact miss", `{"source": ["aws.ec2"]}`, false},
		{"one of several", `{"detail-type": ["ECS Service Action", "ECS Task State Change"]}`, true},
		{"nested", `{"detail": {"lastStatus": ["STOPPED"]}}`, true},
		{"nested miss", `{"detail": {"lastStatus": ["RUNNING"]}}`, false},
		{"all fields must match", `{"source": ["aws.ecs"], "detail": {"lastStatus": ["RUNNING"]}}`, false},
		{"event array: any element", `{"resources": [{"prefix": "arn:aws:ecs:us-west-2:111122223333:service/default/"}]}`, true},
		{"prefix miss", `{"resources": [{"prefix": "arn:aws:ecs:us-west-2:111122223333:service/prod/"}]}`, false},
		{"number by value", `{"detail": {"retries": [3]}}`, true},
		{"number is not a string", `{"detail": {"retries": ["3"]}}`, false},
		{"null", `{"detail": {"gone": [null]}}`, true},
		{"anything-but list", `{"detail": {"stopCode": [{"anything-but": ["UserInitiated"]}]}}`, true},
		{"anything-but excludes", `{"detail": {"stopCode": [{"anything-but": ["UserInitiated", "EssentialContainerExited"]}]}}`, false},
		{"anything-but single value", `{"detail": {"stopCode": [{"anything-but": "EssentialContainerExited"}]}}`, false},
		{"anything-but needs the field", `{"detail": {"missing": [{"anything-but": ["x"]}]}}`, false},
		{"exists true", `{"detail": {"stopCode": [{"exists": true}]}}`, true},
		{"exists false on present", `{"detail": {"stopCode": [{"exists": false}]}}`, false},
		{"exists false on missing", `{"detail": {"missing": [{"exists": false}]}}`, true},
		{"missing field", `{"detail": {"missing": ["x"]}}`, false},
		{"object pattern on scalar", `{"source": {"x": ["y"]}}`, false},
		{"$or first", `{"detail": {"$or": [{"stopCode": ["EssentialContainerExited"]}, {"missing": ["x"]}]}}`, true},
		{"$or second", `{"detail": {"$or": [{"stopCode": ["UserInitiated"]}, {"lastStatus": ["STOPPED"]}]}}`, true},
		{"$or none", `{"detail": {"$or": [{"stopCode": ["UserInitiated"]}, {"lastStatus": ["RUNNING"]}]}}`, false},
		{"array of objects: any element", `{"detail": {"containers": {"exitCode": [137]}}}`, true},
		{"array of objects: none", `{"detail": {"containers": {"exitCode": [1]}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := eventpattern.Parse([]byte(tt.pattern))
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Match([]byte(event))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"not an object":        `["aws.ecs"]`,
		"scalar value":         `{"source": "aws.ecs"}`,
		"empty list":           `{"source": []}`,
		"unsupported operator": `{"detail": {"x": [{"numeric": [">", 0]}]}}`,
		"two operators":        `{"detail": {"x": [{"prefix": "a", "exists": true}]}}`,
		"prefix not string":    `{"detail": {"x": [{"prefix": 1}]}}`,
		"short $or":            `{"$or": [{"source": ["aws.ecs"]}]}`,
		"trailing data":        `{"source": ["aws.ecs"]} {}`,
	}
	for name, pattern := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := eventpattern.Parse([]byte(pattern)); err == nil {
				t.Errorf("Parse(%s) = nil error, want one", pattern)
			}
		})
	}
}

// AWS's own published patterns (testdata/events/aws-eventbridge-pattern.*) against the real
// events they were written for: the matcher agrees with what the AWS docs say they select.
func TestPublishedPatterns(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "events")
	tests := []struct {
		pattern, event string
		want           bool
	}{
		{"aws-eventbridge-pattern.task-stopped-essential-container-exited.awsdocs.json", "aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json", true},
		{"aws-eventbridge-pattern.task-stopped-essential-container-exited.awsdocs.json", "aws-ecs-task-state-change.STOPPED-UserInitiated-EC2.aws-samples.json", false},
		{"aws-eventbridge-pattern.task-stopped-essential-container-exited.awsdocs.json", "aws-ecs-task-state-change.full-example.awsdocs.json", false},
		{"aws-eventbridge-pattern.cluster-filter.awsdocs.json", "aws-ecs-task-state-change.full-example.awsdocs.json", false},
		{"aws-eventbridge-pattern.cluster-filter.awsdocs.json", "aws-ecs-container-instance-state-change.awsdocs.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.event, func(t *testing.T) {
			p, err := eventpattern.Parse(read(t, filepath.Join(dir, tt.pattern)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Match(read(t, filepath.Join(dir, tt.event)))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
