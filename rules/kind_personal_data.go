package rules

// personal_data: an e-mail address, a phone number, an IBAN (pii.go).
func init() { registerKind("personal_data", ruleKind{compile: compileDetect}) }

type personalDataRule struct{ email, phone, iban bool }

func compileDetect(_ compileCtx, _ *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &personalDataRule{}
	for _, d := range sp.Detect {
		switch d {
		case "email":
			m.email = true
		case "phone":
			m.phone = true
		case "iban":
			m.iban = true
		default:
			rc.add("detect", "detect: unknown %q (write email, phone or iban)", d)
		}
	}
	if len(sp.Detect) == 0 {
		rc.add(firstKey(sp, "detect"), "detect: the list is empty (write email, phone or iban)")
	}
	return m
}

func (m *personalDataRule) match(c *classifier, r *rule) {
	text := c.in.Text
	var spans []span
	if m.email {
		spans = append(spans, findEmails(text)...)
	}
	// The digit count of the normalisation is the cheap test in front of
	// the phone and IBAN regexps.
	if m.phone && c.nt.digits >= 8 {
		spans = append(spans, findPhones(text)...)
	}
	if m.iban && c.nt.digits >= 10 {
		spans = append(spans, findIBANs(text)...)
	}
	for _, s := range spans {
		c.add(r, s.start, s.end, false)
	}
}
