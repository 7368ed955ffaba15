package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// uiCrisisSwitchBannerAndReport: an admin declares a crisis on the page
// from the crisis page (reason, confirmation), the queue shows the banner
// and the borderline comment the crisis profile sent to review; the admin
// publishes it and ends the crisis; the public page shows the period with
// its own figures. Screenshots crisis-queue.png and crisis-public.png.
func uiCrisisSwitchBannerAndReport(t *testing.T, browser context.Context) {
	e := uiStart(t, browser, "")
	e.seed("k0", crisisText, "u0", "Avant", "published") // the normal rules publish it
	e.login("fr")
	row := `#crisis-pages tbody tr:first-child `
	e.do("declare the crisis",
		chromedp.Navigate(e.base+"/moderation/admin/crisis"),
		chromedp.WaitVisible(chromedp.CSS(row+`input[name="reason"]`)),
		chromedp.SendKeys(chromedp.CSS(row+`input[name="reason"]`), "Attentat : la page relaie les consignes officielles"),
		chromedp.Click(chromedp.CSS(row+`input[name="confirm"]`)),
		chromedp.Click(chromedp.CSS(row+`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	c := e.seed("k1", crisisText2, "u1", "Pendant", "pending") // the crisis profile reviews it
	e.do("the queue in crisis", chromedp.Navigate(e.base+"/moderation/"), chromedp.WaitVisible(chromedp.ID("crisis-banner")))
	if txt := uiEval[string](e, `document.getElementById("crisis-banner").textContent`); !containsAll(txt, "default", "Attentat") {
		t.Errorf("banner %q: want the page and the reason", txt)
	}
	e.shot("crisis-queue.png")
	publish := fmt.Sprintf(`li[data-id="%d"] button[value="publish"]`, c.ID)
	e.do("publish it", chromedp.Click(chromedp.CSS(publish)))
	if ev := e.lastEvent(c.ID, "review"); ev.To != "published" {
		t.Fatalf("last event %+v, want a publication", ev)
	}
	e.do("end the crisis",
		chromedp.Navigate(e.base+"/moderation/admin/crisis"),
		chromedp.WaitVisible(chromedp.CSS(row+`input[name="reason"]`)),
		chromedp.SendKeys(chromedp.CSS(row+`input[name="reason"]`), "Retour au calme"),
		chromedp.Click(chromedp.CSS(row+`input[name="confirm"]`)),
		chromedp.Click(chromedp.CSS(row+`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if uiEval[bool](e, `!!document.getElementById("crisis-banner")`) {
		t.Error("the banner stays after the crisis ended")
	}

	// The report follows the log every few seconds.
	var rep struct {
		Crises []crisisJSON `json:"crises"`
	}
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		resp, err := http.Get(e.base + "/transparency.json")
		if err != nil {
			t.Fatal(err)
		}
		_ = json.NewDecoder(resp.Body).Decode(&rep)
		resp.Body.Close()
		if len(rep.Crises) == 1 && !rep.Crises[0].Ongoing {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the report never showed the ended crisis: %+v", rep)
		}
	}
	if f := rep.Crises[0].Figures; f.Received != 1 || f.Published != 1 || f.TimeToDecision.Decisions != 1 {
		t.Errorf("crisis figures %+v, want the one comment received during it, published by a moderator", f)
	}
	e.do("the public page", chromedp.Navigate(e.base+"/transparency?lang=fr"), chromedp.WaitVisible(chromedp.ID("crises")))
	if txt := uiEval[string](e, `document.getElementById("crises").textContent`); !containsAll(txt, "Attentat", "Retour au calme", "default") {
		t.Errorf("public crisis section %q", txt)
	}
	e.shot("crisis-public.png")
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
