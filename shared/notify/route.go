package notify

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// Route sends failures whose Kind (account, cluster, namespace or
// workload) matches Match (a path.Match glob) to Channel.
type Route struct {
	Kind    string `json:"kind"`
	Match   string `json:"match"`
	Channel string `json:"channel"`
}

// Routes picks a channel per failure; the most specific kind wins
// (workload, then namespace, cluster, account), then the first listed.
type Routes []Route

// routeKinds from most to least specific.
var routeKinds = []string{"workload", "namespace", "cluster", "account"}

// ParseRoutes reads TRACEGRID_ROUTES: either a JSON array of Route, or a
// comma separated list of kind:match=channel, such as
// "cluster:prod-*=C0PROD,namespace:payments=C0PAY,service:web=C0WEB"
// ("service" is another name for "workload").
func ParseRoutes(s string) (Routes, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var rs Routes
	if strings.HasPrefix(s, "[") {
		if err := json.Unmarshal([]byte(s), &rs); err != nil {
			return nil, fmt.Errorf("TRACEGRID_ROUTES: %w", err)
		}
	} else {
		for _, item := range splitList(s) {
			key, channel, ok1 := strings.Cut(item, "=")
			kind, match, ok2 := strings.Cut(key, ":")
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("TRACEGRID_ROUTES: %q: want kind:match=channel", item)
			}
			rs = append(rs, Route{Kind: kind, Match: match, Channel: channel})
		}
	}
	for i, r := range rs {
		if r.Kind == "service" {
			rs[i].Kind = "workload"
		}
		if _, err := path.Match(r.Match, ""); err != nil || r.Channel == "" || routeValue(rs[i].Kind, &failure.Failure{}) == nil {
			return nil, fmt.Errorf("TRACEGRID_ROUTES: bad route %+v: kind must be account, cluster, namespace, workload or service; match a glob; channel set", r)
		}
	}
	return rs, nil
}

// routeValue returns the failure field a kind matches, or nil for an
// unknown kind.
func routeValue(kind string, f *failure.Failure) *string {
	switch kind {
	case "workload":
		return &f.Workload
	case "namespace":
		return &f.Namespace
	case "cluster":
		return &f.Cluster
	case "account":
		return &f.Account
	}
	return nil
}

// Channel returns the channel for f, or def when no route matches.
func (rs Routes) Channel(f *failure.Failure, def string) string {
	for _, kind := range routeKinds {
		for _, r := range rs {
			if r.Kind != kind {
				continue
			}
			if v := *routeValue(kind, f); v != "" {
				if ok, _ := path.Match(r.Match, v); ok {
					return r.Channel
				}
			}
		}
	}
	return def
}

// mention returns the user group mention for a high-confidence failure in
// production (a cluster, account or resource group matching one of the
// production globs), or "".
func (c *Config) mention(f *failure.Failure, d classify.Diagnosis) string {
	if c.Mention == "" || d.Confidence != classify.High {
		return ""
	}
	for _, g := range c.Production {
		for _, v := range []string{f.Cluster, f.Account, f.ResourceGroup} {
			if ok, _ := path.Match(g, v); ok && v != "" {
				return "<!subteam^" + c.Mention + ">"
			}
		}
	}
	return ""
}
