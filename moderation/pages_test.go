package moderation_test

import (
	"errors"
	"strings"
	"testing"

	"vigie/moderation"
	"vigie/rules"
)

func TestNewPagesRefusesBadConfiguration(t *testing.T) {
	cases := []struct {
		name  string
		pages []moderation.Page
		want  string // in the error
	}{
		{"bad id", []moderation.Page{{ID: "Page A"}}, `pages[0].id: "Page A" is not a page id`},
		{"id ending with a dash", []moderation.Page{{ID: "a-"}}, "pages[0].id"},
		{"same id twice", []moderation.Page{{ID: "a"}, {ID: "a"}}, `pages[1].id: page "a" is configured twice`},
		{"source on two pages", []moderation.Page{{ID: "a", Sources: []string{"api:x"}}, {ID: "b", Sources: []string{"API:x"}}},
			`source "api:x" is listed by pages "a" and "b"`},
		{"bad platform", []moderation.Page{{ID: "a", Platform: "myspace"}}, "pages[0].platform"},
		{"default page with sources", []moderation.Page{{ID: "default", Sources: []string{"api:x"}}}, "pages[0].sources"},
		{"empty source", []moderation.Page{{ID: "a", Sources: []string{" "}}}, "pages[0].sources[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := moderation.NewPages(c.pages, "Default")
			if err == nil || !errors.Is(err, moderation.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an invalid error containing %q", err, c.want)
			}
		})
	}
}

func TestPagesResolveSourcesAndScopes(t *testing.T) {
	p, err := moderation.NewPages([]moderation.Page{
		{ID: "a", Name: "A", Sources: []string{"Facebook:1"}, Moderators: []string{"alice"}},
		{ID: "b", Sources: []string{"api:b"}},
		{ID: "default", Name: "Autres"},
	}, "Default")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.IDOf("facebook:1"); got != "a" {
		t.Errorf("facebook:1 (listed as Facebook:1) is on %q, want a", got)
	}
	if got := p.IDOf("api:unknown"); got != moderation.DefaultPageID {
		t.Errorf("an unlisted source is on %q, want the default page", got)
	}
	if d, _ := p.Get("default"); d.Name != "Autres" || p.List()[len(p.List())-1].ID != "default" {
		t.Errorf("default page %+v, want named Autres and listed last", d)
	}
	if b, _ := p.Get("b"); b.Name != "b" || b.Platform != "other" {
		t.Errorf("page b %+v: want its id as name and platform other", b)
	}
	cases := []struct {
		user    moderation.User
		covers  []string
		refuses []string
	}{
		{moderation.User{Name: "root", Role: moderation.RoleAdmin}, []string{"facebook:1", "api:b", "api:z"}, nil},
		{moderation.User{Name: "alice", Role: moderation.RoleModerator}, []string{"facebook:1"}, []string{"api:b", "api:z"}},
		// On no page: the pages that list nobody (b and the default one).
		{moderation.User{Name: "carol", Role: moderation.RoleModerator}, []string{"api:b", "api:z"}, []string{"facebook:1"}},
		{moderation.User{Name: "vic", Role: moderation.RoleViewer}, []string{"api:b"}, []string{"facebook:1"}},
	}
	for _, c := range cases {
		sc := p.ScopeOf(c.user)
		for _, s := range c.covers {
			if !sc.Covers(s) {
				t.Errorf("%s does not see %s", c.user.Name, s)
			}
		}
		for _, s := range c.refuses {
			if sc.Covers(s) {
				t.Errorf("%s sees %s", c.user.Name, s)
			}
			if err := sc.Check(moderation.Comment{ID: 9, Source: s}); !errors.Is(err, moderation.ErrForbidden) {
				t.Errorf("%s on %s: %v, want forbidden", c.user.Name, s, err)
			}
		}
	}
	var none *moderation.Pages
	if none.Configured() || none.IDOf("api:x") != moderation.DefaultPageID || none.ScopeOf(moderation.User{Name: "x", Role: moderation.RoleViewer}).Limited {
		t.Error("no pages: everything on the default page, nobody limited")
	}
}

func TestRuleOverridesApply(t *testing.T) {
	base := rules.DefaultSettings()
	refuse := 3.0
	o := moderation.RuleOverrides{Packs: []string{"builtin:core"}, Thresholds: moderation.ThresholdOverrides{Refuse: &refuse}, Disable: []string{"fr.insult"}}
	got := o.Apply(base)
	if got.Thresholds.Refuse != 3 || got.Thresholds.Review != base.Thresholds.Review || len(got.Packs) != 1 || got.Disable[len(got.Disable)-1] != "fr.insult" {
		t.Errorf("applied: %+v", got)
	}
	if len(base.Disable) == len(got.Disable) && len(got.Disable) > 0 && &base.Disable[0] == &got.Disable[0] {
		t.Error("the base settings' disable list was shared")
	}
	if !(moderation.RuleOverrides{}).Empty() || o.Empty() {
		t.Error("Empty is wrong")
	}
}
