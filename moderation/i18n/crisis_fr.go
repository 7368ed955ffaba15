package i18n

// frCrisis are the strings of crisis mode: the admin switch, the banner of
// the moderators' pages, the public report's crisis periods.
var frCrisis = map[string]string{
	"title_crisis":         "Mode crise",
	"nav_crisis":           "Crise",
	"crisis_intro":         "En crise, les commentaires de la page sont classés avec son profil de crise (par défaut : seuil de revue divisé par deux), ce qui part en revue est masqué sur la plateforme jusqu'à décision, et ses commentaires passent en tête de file. Chaque bascule est enregistrée dans le journal chaîné et publiée dans le rapport.",
	"crisis_banner":        "Mode crise en cours",
	"crisis_since":         "depuis",
	"crisis_by":            "par",
	"crisis_reason":        "Motif",
	"crisis_page":          "Page",
	"crisis_all_pages":     "toutes les pages",
	"crisis_state":         "État",
	"crisis_on":            "en crise",
	"crisis_off":           "normal",
	"crisis_start":         "Déclarer la crise",
	"crisis_stop":          "Lever la crise",
	"crisis_confirm_start": "Déclarer la crise sur cette page ? Ce qui part en revue sera masqué sur la plateforme.",
	"crisis_confirm_stop":  "Lever la crise sur cette page ?",
	"crisis_confirm_box":   "Je confirme",
	"crisis_history":       "Historique",
	"crisis_none":          "Aucune crise n'a été déclarée.",
	"msg_crisis_started":   "Mode crise déclaré.",
	"msg_crisis_stopped":   "Mode crise levé.",
	"crisis_need_confirm":  "Cochez « Je confirme » pour basculer le mode crise.",
	"pub_crises":           "Périodes de crise",
	"pub_crises_note":      "Pendant une crise, la page applique des règles plus strictes et masque ce qui attend une décision. Chiffres des commentaires reçus pendant la période, comptés aussi dans les chiffres ci-dessus.",
	"pub_crisis_start":     "Début",
	"pub_crisis_stop":      "Fin",
	"pub_crisis_ongoing":   "en cours",
	"pub_crisis_ttd":       "Délai médian de décision",
}
