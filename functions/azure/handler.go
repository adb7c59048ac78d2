package azure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
	"github.com/tracegrid/tracegrid/functions/azure/aci"
	"github.com/tracegrid/tracegrid/functions/azure/arm"
	"github.com/tracegrid/tracegrid/functions/azure/customhandler"
	"github.com/tracegrid/tracegrid/functions/azure/eventgrid"
	"github.com/tracegrid/tracegrid/functions/azure/tablestate"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/redact"
	"github.com/tracegrid/tracegrid/shared/report"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// Routes the Functions host calls: one per function folder under app/.
const (
	EventRoute = "/AciEvent"
	ScanRoute  = "/AciScan"
)

// maxBody bounds a request body: Event Grid delivers at most 1 MB per event
// batch; the envelope adds the metadata copy.
const maxBody = 4 << 20

// activityLogLag is how long after an event its Activity Log entry may still
// be missing; younger events without one are redelivered rather than
// reported without a cause.
const activityLogLag = 10 * time.Minute

// errRetryLater fails an invocation so the platform delivers it again.
var errRetryLater = errors.New("azure: cause not known yet, retry later")

// scanParallel bounds concurrent container group reads during a scan.
const scanParallel = 4

// Reporter classifies and notifies one failure; *report.Reporter is the
// production one. An error means "transient: let the platform retry".
type Reporter interface {
	Report(ctx context.Context, f *failure.Failure) (report.Outcome, error)
}

// Handler serves the custom handler routes.
type Handler struct {
	cfg Config
	rep Reporter
	arm *arm.Client // nil: enrichment off
	log *slog.Logger
	now func() time.Time
	mux *http.ServeMux
	// expired sweeps expired notification state after each scan: Table
	// storage has no TTL of its own. Nil with the in-memory store.
	expired expirer
}

// expirer deletes expired entries of a durable store.
type expirer interface {
	DeleteExpired(ctx context.Context) (int, error)
}

// New returns a Handler. armc may be nil (no enrichment, no scan); log may
// be nil (slog.Default()).
func New(cfg Config, rep Reporter, armc *arm.Client, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{cfg: cfg, rep: rep, arm: armc, log: log, now: time.Now, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST "+EventRoute, h.serveEvent)
	h.mux.HandleFunc("POST "+ScanRoute, h.serveScan)
	return h
}

// FromEnv builds the production Handler from app settings: the Slack
// notifier (with its state in Azure Table storage when
// TRACEGRID_TABLE_ENDPOINT is set), and unless TRACEGRID_ENRICH=off the ARM
// client. Both authenticate with the function's managed identity.
func FromEnv(log *slog.Logger) (*Handler, error) {
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	var cred azcore.TokenCredential
	if cfg.Enrich || cfg.TableEndpoint != "" {
		if cred, err = arm.Credential(cfg.ClientID, os.Getenv); err != nil {
			return nil, fmt.Errorf("azure credential: %w", err)
		}
	}
	opts := []notify.Option{notify.WithLogger(log)}
	var state *tablestate.Store
	var history notify.Store = notify.NewMemoryStore(nil)
	if cfg.TableEndpoint != "" {
		tc, err := aztables.NewClient(strings.TrimSuffix(cfg.TableEndpoint, "/")+"/"+cfg.TableName, cred, nil)
		if err != nil {
			return nil, fmt.Errorf("TRACEGRID_TABLE_ENDPOINT: %w", err)
		}
		state = tablestate.New(tc)
		history = state
		opts = append(opts, notify.WithStore(state))
	}
	n, err := notify.FromEnv(opts...)
	if err != nil {
		return nil, err
	}
	var armc *arm.Client
	if cfg.Enrich {
		if armc, err = arm.New(cfg.ARMEndpoint, cred); err != nil {
			return nil, err
		}
	}
	var stage *verify.Stage
	if cfg.Verify {
		if stage, err = registryCheck(cfg, cred, history); err != nil {
			return nil, err
		}
	}
	h := New(cfg, &report.Reporter{Notifier: n, Log: log, Verify: stage}, armc, log)
	if state != nil {
		h.expired = state
	}
	return h, nil
}

// LocalHandler returns the handler `tracegrid serve` mounts: the same routes,
// configured from the environment, answering raw Event Grid bodies as well
// as custom handler envelopes.
func LocalHandler() (http.Handler, error) {
	return FromEnv(slog.New(redact.Handler(slog.NewJSONHandler(os.Stderr, nil))))
}

// invocationHeader carries the Functions host's invocation id
// (HttpWorkerConstants.InvocationIdHeaderName in azure-functions-host).
const invocationHeader = "X-Azure-Functions-InvocationId"

type loggerKey struct{}

// ServeHTTP implements http.Handler. Log lines of one invocation carry the
// host's invocation id, so they join the host's own records of it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if id := r.Header.Get(invocationHeader); id != "" {
		r = r.WithContext(context.WithValue(r.Context(), loggerKey{}, h.log.With(slog.String("invocation_id", id))))
	}
	h.mux.ServeHTTP(w, r)
}

// logger returns the invocation's logger.
func (h *Handler) logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return h.log
}

// serveEvent handles one eventGridTrigger invocation. Bad input is logged and
// acknowledged (200); a failure to deliver to Slack answers 500 so the host
// fails the invocation and Event Grid retries, then dead-letters.
func (h *Handler) serveEvent(w http.ResponseWriter, r *http.Request) {
	resp := &customhandler.Response{}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		h.reject(r.Context(), resp, "unreadable or oversized body", err)
		resp.Write(w, http.StatusOK)
		return
	}
	raw, err := eventPayload(body)
	if err != nil {
		h.reject(r.Context(), resp, "bad custom handler request", err)
		resp.Write(w, http.StatusOK)
		return
	}
	evs, err := eventgrid.Parse(raw)
	if err != nil {
		h.reject(r.Context(), resp, "not an Event Grid event", err)
		resp.Write(w, http.StatusOK)
		return
	}
	status := http.StatusOK
	for _, ev := range evs {
		if err := h.handleEvent(r.Context(), ev, resp); err != nil {
			status = http.StatusInternalServerError
		}
	}
	resp.Write(w, status)
}

func (h *Handler) reject(ctx context.Context, resp *customhandler.Response, what string, err error) {
	msg := what
	if err != nil {
		msg += ": " + err.Error()
	}
	h.logger(ctx).WarnContext(ctx, "acknowledged bad input", slog.String("error", msg))
	resp.Logf("tracegrid: acknowledged bad input: %s", msg)
}

// handleEvent reports what one event says. The error is non-nil only for a
// transient failure worth a retry.
func (h *Handler) handleEvent(ctx context.Context, ev eventgrid.Event, resp *customhandler.Response) error {
	f, why := fromEvent(ev)
	if f == nil {
		if h.arm != nil && (ev.Type == eventgrid.ResourceWriteSuccess || ev.Type == eventgrid.ResourceActionSuccess) {
			return h.checkAfterSuccess(ctx, ev, resp)
		}
		h.logger(ctx).InfoContext(ctx, "ignored event", slog.String("event_id", ev.ID), slog.String("event_type", ev.Type), slog.String("why", why))
		resp.Logf("tracegrid: ignored event %s: %s", ev.ID, why)
		return nil
	}
	if h.arm != nil {
		if wait := h.enrichEvent(ctx, ev, f); wait != "" {
			// Nothing says why yet: the Activity Log lags the event, or
			// ARM could not be read. Fail the invocation so Event Grid
			// redelivers (10s, 30s, 1m, 5m, ...) and, in the end,
			// dead-letters it.
			resp.Logf("tracegrid: %s %s: %s; asking Event Grid to redeliver", ev.ID, f.Resource(), wait)
			return errRetryLater
		}
	}
	line, err := h.report(ctx, f)
	resp.Logs = append(resp.Logs, line)
	return err
}

// checkAfterSuccess reads a container group whose write succeeded: the
// image pull and the start happen after, and fail without another event.
// Its failures carry the scan's stable ids, so the scan will not repeat them.
func (h *Handler) checkAfterSuccess(ctx context.Context, ev eventgrid.Event, resp *customhandler.Response) error {
	data, err := ev.ResourceData()
	if err != nil {
		h.reject(ctx, resp, "bad resource event data", err)
		return nil
	}
	id, ok := aci.ParseID(firstNonEmpty(data.ResourceURI, ev.Subject))
	if !ok {
		resp.Logf("tracegrid: ignored event %s: not a container group", ev.ID)
		return nil
	}
	g, err := h.arm.Group(ctx, id.Subscription, id.ResourceGroup, id.Name)
	if err != nil {
		h.logger(ctx).WarnContext(ctx, "enrichment failed", slog.String("event_id", ev.ID), slog.String("error", err.Error()))
		resp.Logf("tracegrid: could not read %s after %s: %v", id.Name, ev.Type, err)
		return nil
	}
	fs := aci.Failures(g, time.Time{})
	if len(fs) == 0 {
		resp.Logf("tracegrid: %s %s: container group shows no failure", ev.Type, id.Name)
		return nil
	}
	var firstErr error
	for _, f := range fs {
		h.addLogs(ctx, f)
		line, err := h.report(ctx, f)
		resp.Logs = append(resp.Logs, line)
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// enrichEvent adds what ARM knows to a resource failure event: the ARM error
// from the Activity Log, and the container group's instance view. Each read
// is best effort: the report goes out with what could be read. It returns
// why to wait instead ("" to report now): the Activity Log could not be read
// for a reason that passes (ARM down, throttled) and the instance view shows
// no failure either, or the event is young (activityLogLag) and neither read
// says why the operation failed. A cause that cannot be read yet is not
// reported as unknown; one that can never be read (the identity lacks the
// permission) is reported once, naming the permission.
func (h *Handler) enrichEvent(ctx context.Context, ev eventgrid.Event, f *failure.Failure) (wait string) {
	warn := func(what string, err error) {
		h.logger(ctx).WarnContext(ctx, "enrichment failed", slog.String("event_id", ev.ID), slog.String("what", what), slog.String("error", err.Error()))
	}
	found, failed := false, false
	transient := "" // why the Activity Log read should be tried again
	if corr := f.Details["correlation id"]; corr != "" {
		oe, err := h.arm.ActivityError(ctx, f.Account, corr, ev.Time)
		switch {
		case err != nil && denied(err):
			failed = true
			warn("activity log", err)
			f.Details["activity log"] = "could not be read: the function's identity needs Microsoft.Insights/eventtypes/values/read (the Reader or Monitoring Reader role) on the subscription"
		case err != nil:
			warn("activity log", err)
			transient = "could not read the Activity Log (" + err.Error() + ")"
		case oe == nil:
			f.Details["activity log"] = "no error entry for the correlation id"
		default:
			found = true
			if oe.Code != "" {
				f.Reason = oe.Code
			}
			if oe.SubStatus != "" {
				f.Details["ARM status"] = oe.Status + " (" + oe.SubStatus + ")"
			}
			f.Messages = oe.Messages
			if m := inaccessibleImage.FindStringSubmatch(f.Message()); m != nil {
				f.Image = m[1]
			}
			if m := armLocation.FindStringSubmatch(f.Message()); m != nil {
				f.Region = m[1]
			}
		}
	}
	young := !ev.Time.IsZero() && h.now().Sub(ev.Time) < activityLogLag
	lag := "the Activity Log has no error for correlation id " + f.Details["correlation id"] + " yet"
	decide := func() string {
		switch {
		case found:
			return ""
		case transient != "":
			return transient
		case failed || !young:
			return ""
		}
		return lag
	}
	g, err := h.arm.Group(ctx, f.Account, f.ResourceGroup, f.Task)
	switch {
	case errors.Is(err, arm.ErrNotFound):
		f.Details["container group"] = "does not exist (the create failed before it was stored, or it was deleted)"
		return decide()
	case err != nil:
		warn("container group", err)
		if transient == "" { // the Activity Log said what it could
			return ""
		}
		return transient
	}
	if mergeGroup(f, g, found) {
		found = true
	}
	h.addLogs(ctx, f)
	return decide()
}

// denied reports whether an ARM read failed for want of permission, which
// no retry fixes.
func denied(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && (re.StatusCode == http.StatusForbidden || re.StatusCode == http.StatusUnauthorized)
}

// mergeGroup fills f from the container group: location, facts, and the
// failing container's names and messages, after the ARM error's when f has
// one (armError). It reports whether the group showed a failure.
func mergeGroup(f *failure.Failure, g *armcontainerinstance.ContainerGroup, armError bool) bool {
	base := aci.Base(g)
	// ARM's own spelling of the names, so that the scan's reports of the
	// same group (recoveries included) land in the same incident.
	f.Account = firstNonEmpty(base.Account, f.Account)
	f.ResourceGroup = firstNonEmpty(base.ResourceGroup, f.ResourceGroup)
	f.Region = firstNonEmpty(base.Region, f.Region)
	for k, v := range base.Details {
		f.Details[k] = v
	}
	if f.Image != "" {
		// The ARM error named the image: pick the container that runs it.
		for _, c := range g.Properties.Containers {
			if c != nil && c.Properties != nil && c.Properties.Image != nil && *c.Properties.Image == f.Image {
				f.Container = *c.Name
			}
		}
	}
	if f.Container == "" && f.Image == "" {
		f.Container, f.Image = base.Container, base.Image
	}
	fs := aci.Failures(g, time.Time{})
	if len(fs) == 0 {
		return false
	}
	gf := fs[0]
	if f.Container == "" || f.Container == gf.Container {
		f.Container, f.Image = gf.Container, firstNonEmpty(gf.Image, f.Image)
		for k, v := range gf.Details {
			f.Details[k] = v
		}
		if f.ExitCode == nil {
			f.ExitCode = gf.ExitCode
		}
	}
	if !armError {
		// Only the event's generic operation line: the instance view says more.
		f.Messages, f.Reason = nil, gf.Reason
	}
	f.Messages = append(f.Messages, gf.Messages...)
	return true
}

// addLogs reads the log tail of a container that ran and exited.
func (h *Handler) addLogs(ctx context.Context, f *failure.Failure) {
	if h.arm == nil || f.ExitCode == nil || f.Container == "" || h.cfg.LogTailLines == 0 {
		return
	}
	lines, err := h.arm.LogTail(ctx, f.Account, f.ResourceGroup, f.Task, f.Container, h.cfg.LogTailLines)
	if err != nil {
		h.logger(ctx).WarnContext(ctx, "enrichment failed", slog.String("event_id", f.EventID), slog.String("what", "logs"), slog.String("error", err.Error()))
		return
	}
	f.LogTail = lines
}

// report hands f to the Reporter and returns the invocation log line.
func (h *Handler) report(ctx context.Context, f *failure.Failure) (string, error) {
	out, err := h.rep.Report(ctx, f)
	if err != nil {
		return fmt.Sprintf("tracegrid: %s %s: cause %s, delivery failed (will retry): %v", f.EventID, f.Resource(), out.Diagnosis.Cause, err), err
	}
	what := "reported"
	switch {
	case out.Result.Suppressed != "":
		what = "suppressed (" + out.Result.Suppressed + ")"
	case out.Result.Action != "":
		what = "Slack " + out.Result.Action
	}
	return fmt.Sprintf("tracegrid: %s %s: cause %s, %s", f.EventID, f.Resource(), out.Diagnosis.Cause, what), nil
}

// serveScan handles one timerTrigger invocation: the scan. ARM errors and
// Slack errors fail the invocation (500) so they show in the function's
// failures; the next tick scans again.
func (h *Handler) serveScan(w http.ResponseWriter, r *http.Request) {
	resp := &customhandler.Response{}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxBody))
	status := http.StatusOK
	if err := h.Scan(r.Context(), resp); err != nil {
		resp.Logf("tracegrid: scan incomplete: %v", err)
		h.logger(r.Context()).ErrorContext(r.Context(), "scan incomplete", slog.String("error", err.Error()))
		status = http.StatusInternalServerError
	}
	if h.expired != nil {
		// A failed sweep costs only storage; the next tick tries again.
		if n, err := h.expired.DeleteExpired(r.Context()); err != nil {
			h.logger(r.Context()).WarnContext(r.Context(), "state sweep failed", slog.String("error", err.Error()))
		} else {
			resp.Logf("tracegrid: deleted %d expired state entries", n)
		}
	}
	resp.Write(w, status)
}

// Scan reads every container group of the watched resource groups and
// reports the failures they show, and recoveries of groups Running again.
// The notifier dedups on the failures' stable EventIDs, so a failure is
// posted once however many scans see it.
func (h *Handler) Scan(ctx context.Context, resp *customhandler.Response) error {
	switch {
	case h.arm == nil:
		resp.Logf("tracegrid: scan skipped: TRACEGRID_ENRICH=off (the scan reads ARM)")
		return nil
	case h.cfg.SubscriptionID == "" || len(h.cfg.ResourceGroups) == 0:
		resp.Logf("tracegrid: scan skipped: set AZURE_SUBSCRIPTION_ID and TRACEGRID_RESOURCE_GROUPS")
		h.logger(ctx).WarnContext(ctx, "scan not configured")
		return nil
	}
	since := h.now().Add(-h.cfg.ScanLookback)
	var (
		mu       sync.Mutex
		errs     []error
		failures int
		groups   int
	)
	addErr := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	sem := make(chan struct{}, scanParallel)
	var wg sync.WaitGroup
	for _, rg := range h.cfg.ResourceGroups {
		list, err := h.arm.Groups(ctx, h.cfg.SubscriptionID, rg)
		if err != nil {
			addErr(err)
			continue
		}
		for _, item := range list {
			if item == nil || item.Name == nil {
				continue
			}
			groups++
			wg.Add(1)
			sem <- struct{}{}
			go func(name string) {
				defer wg.Done()
				defer func() { <-sem }()
				g, err := h.arm.Group(ctx, h.cfg.SubscriptionID, rg, name)
				if errors.Is(err, arm.ErrNotFound) {
					return // deleted between list and get
				}
				if err != nil {
					addErr(err)
					return
				}
				fs := aci.Failures(g, since)
				if len(fs) == 0 {
					if rec, ok := aci.Recovered(g, since); ok {
						fs = []*failure.Failure{rec}
					}
				}
				for _, f := range fs {
					h.addLogs(ctx, f)
					line, err := h.report(ctx, f)
					mu.Lock()
					if !f.Recovered {
						failures++
					}
					resp.Logs = append(resp.Logs, line)
					mu.Unlock()
					if err != nil {
						addErr(err)
					}
				}
			}(*item.Name)
		}
	}
	wg.Wait()
	h.logger(ctx).InfoContext(ctx, "scan done", slog.Int("groups", groups), slog.Int("failures", failures), slog.Int("errors", len(errs)))
	resp.Logf("tracegrid: scanned %d container groups in %d resource groups: %d failing", groups, len(h.cfg.ResourceGroups), failures)
	return errors.Join(errs...)
}
