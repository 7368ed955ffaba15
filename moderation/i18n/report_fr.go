package i18n

// frFormat is the words the formatting functions (format.go) put around
// figures and dates, in French.
var frFormat = map[string]string{
	"fmt_day_unit": "j", "fmt_first_day": "1er",
	"fmt_date": "%s %s %d", "fmt_date_short": "%s %s", "fmt_month_year": "%s %d",
	"fmt_quarter": "T%[2]d %[1]d", "fmt_datetime": "%s à %s",
	"fmt_month_1": "janvier", "fmt_month_2": "février", "fmt_month_3": "mars", "fmt_month_4": "avril",
	"fmt_month_5": "mai", "fmt_month_6": "juin", "fmt_month_7": "juillet", "fmt_month_8": "août",
	"fmt_month_9": "septembre", "fmt_month_10": "octobre", "fmt_month_11": "novembre", "fmt_month_12": "décembre",
	"fmt_mon_1": "janv.", "fmt_mon_2": "févr.", "fmt_mon_3": "mars", "fmt_mon_4": "avr.",
	"fmt_mon_5": "mai", "fmt_mon_6": "juin", "fmt_mon_7": "juil.", "fmt_mon_8": "août",
	"fmt_mon_9": "sept.", "fmt_mon_10": "oct.", "fmt_mon_11": "nov.", "fmt_mon_12": "déc.",
}

// frReport is the text report (`vigie report --format text`) and the
// wording of the statements of reasons, in French.
var frReport = map[string]string{
	"rep_page": "Page", "rep_title": "Rapport de transparence", "rep_period": "Période", "rep_tz": "fuseau", "rep_asof": "Données arrêtées au",
	"rep_head": "Tête de chaîne", "rep_cohort": "Commentaires reçus sur la période (statut à la date des données)",
	"rep_activity": "Décisions prises sur la période", "rep_received": "reçus", "rep_published": "publiés",
	"rep_refused": "refusés", "rep_before": "refusés avant publication", "rep_after": "retirés après publication",
	"rep_pending": "en attente de revue", "rep_withdrawn": "retirés par leur auteur", "rep_wrong": "retirés à tort (rétablis)",
	"rep_appeal": "sur recours", "rep_own": "par notre propre contrôle", "rep_external": "sur demande extérieure",
	"rep_reasons": "Refus par motif (part de tous les reçus)", "rep_none": "(aucune)",
	"rep_reinstated": "rétablis", "rep_review": "envoyés en revue", "rep_rates": "Taux",
	"rep_errobs": "taux d'erreur automatisée, observé", "rep_errest": "taux d'erreur automatisée, estimé par audit",
	"rep_appealrate": "taux de recours", "rep_overturn": "taux d'infirmation", "rep_ttd": "délai de décision (revue)",
	"rep_median": "médiane", "rep_p90": "90e centile", "rep_n": "n", "rep_na": "n.d.", "rep_empty": "journal vide",

	"rep_sor_hidden": "Commentaire masqué %s", "rep_sor_after_pub": " après sa publication",
	"rep_sor_category": " ; catégorie de la charte : %s", "rep_sor_rules": " ; règles : %s", "rep_sor_route": " ; voie : %s.",
	"rep_sor_auto_fully":     "automatiquement par les règles de modération publiées",
	"rep_sor_auto_partially": "par un modérateur, après signalement par les règles de modération",
	"rep_sor_auto_not":       "par un modérateur",
}
