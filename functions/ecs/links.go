package ecs

import (
	"net/url"
	"strings"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// consoleLinks returns AWS console links to the task and the service (or
// task definition family) of f. service says whether f.Workload names an
// ECS service rather than a task definition family.
func consoleLinks(f *failure.Failure, service bool) []failure.Link {
	if f.Region == "" || f.Cluster == "" {
		return nil
	}
	base := "https://" + f.Region + ".console.aws.amazon.com/ecs/v2/clusters/" + url.PathEscape(f.Cluster)
	q := "?region=" + url.QueryEscape(f.Region)
	var links []failure.Link
	if f.Task != "" && !f.Recovered {
		links = append(links, failure.Link{Title: "Task " + f.Task, URL: base + "/tasks/" + url.PathEscape(f.Task) + "/configuration" + q})
	}
	if f.Workload != "" && service {
		links = append(links, failure.Link{Title: "Service " + f.Workload, URL: base + "/services/" + url.PathEscape(f.Workload) + "/health" + q})
	}
	return links
}

// logStreamLink returns the CloudWatch console link to one log stream. The
// console's #logsV2 fragment escapes names twice, with "$" in place of "%".
func logStreamLink(region, group, stream string) failure.Link {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "%", "$25") }
	return failure.Link{
		Title: "Log stream " + stream,
		URL: "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + url.QueryEscape(region) +
			"#logsV2:log-groups/log-group/" + esc(group) + "/log-events/" + esc(stream),
	}
}
