package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIURL is the Slack Web API base URL.
const DefaultAPIURL = "https://slack.com/api/"

// Config is the Slack destination and the grouping policy. FromEnv fills it
// from the environment variables listed in the package documentation.
type Config struct {
	BotToken   string // SLACK_BOT_TOKEN
	Channel    string // SLACK_CHANNEL: default channel for the bot token
	WebhookURL string // SLACK_WEBHOOK_URL, used when there is no bot token
	APIURL     string // SLACK_API_URL, default DefaultAPIURL
	DryRun     bool   // TRACEGRID_DRY_RUN=1: log instead of posting

	Routes     Routes   // TRACEGRID_ROUTES
	Mention    string   // TRACEGRID_MENTION: Slack user group id (S...)
	Production []string // TRACEGRID_PRODUCTION: globs for production clusters/accounts

	// IncidentWindow is how long after the last repeat an incident stays
	// open and repeats update it (TRACEGRID_INCIDENT_WINDOW, default 6h;
	// zero values here take the defaults).
	IncidentWindow time.Duration
	// ReplyInterval is the least time between two thread replies of one
	// incident (TRACEGRID_REPLY_INTERVAL, default 5m).
	ReplyInterval time.Duration
	// StormThreshold new incidents within StormWindow, per platform and
	// account, post individually; further ones fold into one storm message
	// until StormWindow passes without a new incident
	// (TRACEGRID_STORM, default "5/10m"; "off" or a zero threshold disables).
	StormThreshold int
	StormWindow    time.Duration
	// UpdateGap is the least time between two edits of one Slack message
	// (TRACEGRID_UPDATE_GAP, default 3s): repeats within it are shown by
	// one later edit, which keeps a storm within Slack's rate limits.
	UpdateGap time.Duration
}

// ConfigFromEnv reads a Config with getenv (os.Getenv in production).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		BotToken:       strings.TrimSpace(getenv("SLACK_BOT_TOKEN")),
		Channel:        strings.TrimSpace(getenv("SLACK_CHANNEL")),
		WebhookURL:     strings.TrimSpace(getenv("SLACK_WEBHOOK_URL")),
		APIURL:         strings.TrimSpace(getenv("SLACK_API_URL")),
		DryRun:         truthy(getenv("TRACEGRID_DRY_RUN")),
		Mention:        strings.TrimSpace(getenv("TRACEGRID_MENTION")),
		Production:     splitList(getenv("TRACEGRID_PRODUCTION")),
		StormThreshold: 5,
	}
	var err error
	if c.Routes, err = ParseRoutes(getenv("TRACEGRID_ROUTES")); err != nil {
		return c, err
	}
	if c.IncidentWindow, err = duration(getenv, "TRACEGRID_INCIDENT_WINDOW"); err != nil {
		return c, err
	}
	if c.ReplyInterval, err = duration(getenv, "TRACEGRID_REPLY_INTERVAL"); err != nil {
		return c, err
	}
	if c.UpdateGap, err = duration(getenv, "TRACEGRID_UPDATE_GAP"); err != nil {
		return c, err
	}
	if s := strings.TrimSpace(getenv("TRACEGRID_STORM")); s != "" {
		if c.StormThreshold, c.StormWindow, err = parseStorm(s); err != nil {
			return c, err
		}
	}
	return c, c.validate()
}

// validate checks c and fills unset durations with their defaults. A zero
// StormThreshold disables storm folding.
func (c *Config) validate() error {
	if c.IncidentWindow <= 0 {
		c.IncidentWindow = 6 * time.Hour
	}
	if c.ReplyInterval <= 0 {
		c.ReplyInterval = 5 * time.Minute
	}
	if c.UpdateGap <= 0 {
		c.UpdateGap = 3 * time.Second
	}
	if c.StormThreshold > 0 && c.StormWindow <= 0 {
		c.StormWindow = 10 * time.Minute
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if c.Mention != "" && !strings.HasPrefix(c.Mention, "S") {
		return fmt.Errorf("TRACEGRID_MENTION=%q: want a user group id such as S0123ABCD", c.Mention)
	}
	switch {
	case c.DryRun:
	case c.BotToken != "" && c.Channel == "":
		return fmt.Errorf("SLACK_BOT_TOKEN is set but SLACK_CHANNEL is empty")
	case c.BotToken == "" && c.WebhookURL == "":
		return fmt.Errorf("no Slack destination: set SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL, or TRACEGRID_DRY_RUN=1")
	}
	return nil
}

// parseStorm reads "N/duration" or "off".
func parseStorm(s string) (int, time.Duration, error) {
	if s == "off" || s == "0" {
		return 0, 0, nil
	}
	n, d, ok := strings.Cut(s, "/")
	threshold, err1 := strconv.Atoi(n)
	window, err2 := time.ParseDuration(d)
	if !ok || err1 != nil || err2 != nil || threshold < 1 || window <= 0 {
		return 0, 0, fmt.Errorf("TRACEGRID_STORM=%q: want N/duration such as 5/10m, or off", s)
	}
	return threshold, window, nil
}

// duration reads a positive duration; unset is 0 (validate's default).
func duration(getenv func(string) string, name string) (time.Duration, error) {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 30m", name, s)
	}
	return d, nil
}

func truthy(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}

// splitList splits a comma or whitespace separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}
