package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Action is what a verdict (or a rule) asks for. The zero value means
// "unset", so a forgotten field is never mistaken for a decision.
type Action int8

const (
	ActionPublish Action = iota + 1
	ActionRefuse
	ActionReview
)

var actionNames = [...]string{ActionPublish: "publish", ActionRefuse: "refuse", ActionReview: "review"}

func (a Action) String() string {
	if a >= ActionPublish && a <= ActionReview {
		return actionNames[a]
	}
	return ""
}

// ParseAction reads "publish", "refuse" or "review" (case-insensitive).
func ParseAction(s string) (Action, error) {
	for a := ActionPublish; a <= ActionReview; a++ {
		if strings.EqualFold(s, actionNames[a]) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("unknown action %q (want publish, refuse or review)", s)
}

func (a Action) MarshalText() ([]byte, error) {
	if a.String() == "" {
		return nil, fmt.Errorf("cannot marshal unset action %d", int8(a))
	}
	return []byte(a.String()), nil
}

func (a *Action) UnmarshalText(b []byte) error {
	v, err := ParseAction(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

func (a Action) MarshalJSON() ([]byte, error) {
	b, err := a.MarshalText()
	if err != nil {
		return nil, err
	}
	return json.Marshal(string(b))
}

func (a *Action) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("action: %w", err)
	}
	return a.UnmarshalText([]byte(s))
}

func (a Action) MarshalYAML() (any, error) {
	if a.String() == "" {
		return nil, fmt.Errorf("cannot marshal unset action %d", int8(a))
	}
	return a.String(), nil
}

func (a *Action) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	return a.UnmarshalText([]byte(s))
}
