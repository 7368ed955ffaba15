package i18n

// frCriticism is what the product says of protected criticism (comments
// that say the post is wrong or criticise the page owner) and of
// campaigns of identical texts, in the moderator UI, in errors and in the
// reports, in French.
var frCriticism = map[string]string{
	"err_reason_required":      "Ce commentaire critique la publication ou l'auteur de la page : écrivez le motif du refus dans la note.",
	"err_criticism_not_reason": "La critique n'est pas un motif de refus : choisissez la règle de la charte que le commentaire enfreint.",
	"badge_criticism":          "critique",
	"criticism_flag":           "Critique de la publication ou de l'auteur de la page : jamais refusée automatiquement. Pour la refuser, écrivez le motif ; il sera public dans l'historique.",
	"refuse_reason":            "Motif du refus (obligatoire)",

	"pub_criticism":         "Critique de la publication ou de la page",
	"pub_criticism_note":    "Commentaires qui disent que la publication est fausse ou dépassée, demandent une correction ou une source, ou critiquent l'auteur de la page. Ils ne sont jamais refusés automatiquement : tout refus est une décision motivée d'un modérateur.",
	"pub_crit_auto_refused": "refusés automatiquement",
	"pub_campaigns":         "Messages répétés (campagnes)",
	"pub_campaigns_note":    "Copies d'un même texte publié par plusieurs auteurs en peu de temps, signalées par la règle des messages répétés et décidées ensemble. Le journal ne relie pas les copies entre elles (leur empreinte n'y est pas chaînée) : il compte les copies, pas les groupes.",
	"pub_copies":            "copies reçues",

	"rep_criticism":       "Critique de la publication ou de la page (jamais refusée automatiquement)",
	"rep_crit_auto":       "refusés automatiquement",
	"rep_campaigns":       "Messages répétés (copies signalées d'un même texte)",
	"rep_campaign_copies": "copies reçues",
}
