package ingest_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/ingest"
)

func FuzzParseAlertmanager(f *testing.F) {
	fuzzParse(f, "alertmanager", amBase, "alertmanager-webhook.json", "alertmanager-webhook-resolved.json")
}

func FuzzParseGrafana(f *testing.F) {
	fuzzParse(f, "grafana", grafanaBase, "grafana-webhook.json")
}

func FuzzParsePagerDuty(f *testing.F) {
	fuzzParse(f, "pagerduty", pdBase, "pagerduty-events-v2.json", "pagerduty-events-v2-acknowledge.json",
		"pagerduty-events-v2-resolve.json", "pagerduty-change-event.json")
}

// fuzzParse seeds a fuzz test with the inline payload and the shared
// samples (when they are there), then checks, for any input: no panic; an
// error is an *Error and takes nothing; every alert taken has a source, a
// fingerprint (unique in the batch) and a status, and a safe title.
func fuzzParse(f *testing.F, format, inline string, samples ...string) {
	f.Add([]byte(inline))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	for _, name := range samples {
		b, err := os.ReadFile(filepath.Join(samplesDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			f.Logf("sample %s not found at %s: seeding with the inline payload only", name, samplesDir)
			continue
		}
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ingest.Detect(b)
		n, err := ingest.Parse(format, bytes.NewReader(b))
		if err != nil {
			var e *ingest.Error
			require.ErrorAs(t, err, &e)
			require.NotEmpty(t, e.Reason)
			require.Equal(t, ingest.Notification{}, n, "an error takes nothing")
			return
		}
		require.Equal(t, format, n.Source)
		require.NotNil(t, n.Alerts)
		require.GreaterOrEqual(t, n.Truncated, 0)
		seen := map[string]bool{}
		for _, a := range n.Alerts {
			require.NotEmpty(t, a.Fingerprint)
			require.NotEmpty(t, a.Status)
			require.Contains(t, []string{ingest.StatusFiring, ingest.StatusResolved, ingest.StatusAcknowledged}, a.Status)
			require.Equal(t, format, a.Source)
			require.LessOrEqual(t, utf8.RuneCountInString(a.Fingerprint), ingest.MaxKeyLen)
			require.False(t, seen[a.Fingerprint], "duplicate fingerprint %q", a.Fingerprint)
			seen[a.Fingerprint] = true
			require.NotNil(t, a.Labels)
			require.NotNil(t, a.Annotations)
			if a.Status == ingest.StatusFiring && format != "pagerduty" {
				require.False(t, a.StartsAt.IsZero(), "a firing alert has its start")
			}
			title := a.Title()
			require.LessOrEqual(t, utf8.RuneCountInString(title), ingest.TitleMax)
			for _, r := range title {
				require.False(t, r < 0x20 || (r >= 0x7f && r < 0xa0), "control character %U in title %q", r, title)
			}
			_ = ingest.DefaultSeverityMap().For(a)
		}
		for _, p := range n.Problems {
			require.NotEmpty(t, p.Reason)
			require.GreaterOrEqual(t, p.Index, 0)
		}
	})
}
