package fakeslack

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// The fake answers like Slack and flags what Slack would reject.
func TestFakeSlackRules(t *testing.T) {
	s := New("xoxb-good")
	defer s.Close()
	good := slack.New("xoxb-good", slack.OptionAPIURL(s.APIURL()))
	bad := slack.New("xoxb-bad", slack.OptionAPIURL(s.APIURL()))
	ctx := context.Background()
	header := func(n int) slack.MsgOption {
		return slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", n), false, false)))
	}
	for _, tc := range []struct {
		name    string
		call    func() error
		wantErr string
		problem bool
	}{
		{"post", func() error {
			_, _, err := good.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false), header(150))
			return err
		}, "", false},
		{"wrong token", func() error {
			_, _, err := bad.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
			return err
		}, "invalid_auth", false},
		{"header too long", func() error {
			_, _, err := good.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false), header(151))
			return err
		}, "invalid_blocks", true},
		{"update unknown message", func() error {
			_, _, _, err := good.UpdateMessageContext(ctx, "C1", "1.000001", slack.MsgOptionText("x", false))
			return err
		}, "message_not_found", false},
		{"reply to unknown thread", func() error {
			_, _, err := good.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionTS("9.9"))
			return err
		}, "thread_not_found", false},
		{"webhook", func() error {
			return slack.PostWebhookContext(ctx, s.WebhookURL(), &slack.WebhookMessage{Text: "hi"})
		}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Problems())
			err := tc.call()
			var se slack.SlackErrorResponse
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "" && (!errors.As(err, &se) || se.Err != tc.wantErr):
				t.Fatalf("err = %v, want %s", err, tc.wantErr)
			}
			if got := len(s.Problems()) > before; got != tc.problem {
				t.Errorf("problem recorded = %v, want %v (%q)", got, tc.problem, s.Problems())
			}
		})
	}
	if n := len(s.Messages()); n != 2 {
		t.Errorf("%d messages kept, want 2", n)
	}
}
