package ecs

import (
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// Finding 9 of the adversarial run: awslogs-region from a task definition
// became the host of a "Log stream" link. Links are built only for region
// names, on their partition's console host.
func TestLinksOnlyForRegionNames(t *testing.T) {
	for _, tc := range []struct {
		region, wantHost string // "" : no link
	}{
		{"eu-west-1", "https://eu-west-1.console.aws.amazon.com/"},
		{"ap-southeast-3", "https://ap-southeast-3.console.aws.amazon.com/"},
		{"cn-north-1", "https://console.amazonaws.cn/"},
		{"us-gov-west-1", "https://console.amazonaws-us-gov.com/"},
		{"evil.example.com/aws-login?r=", ""},
		{"evil.example.com#", ""},
		{"eu-west-1.evil.example.com", ""},
		{"", ""},
	} {
		link, ok := logStreamLink(tc.region, "/ecs/web", "ecs/web/0123")
		if ok != (tc.wantHost != "") || !strings.HasPrefix(link.URL, tc.wantHost) {
			t.Errorf("logStreamLink(%q) = %q, %v; want a link on %q", tc.region, link.URL, ok, tc.wantHost)
		}
		links := consoleLinks(&failure.Failure{Region: tc.region, Cluster: "prod", Task: "0123", Workload: "web"}, true)
		if (len(links) > 0) != (tc.wantHost != "") {
			t.Errorf("consoleLinks(%q) = %v", tc.region, links)
		}
		for _, l := range links {
			if !strings.HasPrefix(l.URL, tc.wantHost) {
				t.Errorf("consoleLinks(%q): %q", tc.region, l.URL)
			}
		}
	}
}
