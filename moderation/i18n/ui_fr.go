package i18n

// frUI is the moderator interface, in French.
var frUI = map[string]string{
	"skip": "Aller au contenu", "nav": "Navigation", "nav_queue": "File de revue", "nav_audits": "Audits",
	"nav_appeals": "Recours", "nav_admin": "Administration", "nav_public": "Rapport public",
	"role_admin": "administrateur", "role_moderator": "modérateur", "role_viewer": "lecteur",
	"logout": "Se déconnecter", "help": "Aide", "help_title": "Raccourcis clavier", "close": "Fermer",
	"key_jk": "commentaire suivant / précédent", "key_p": "publier", "key_r": "refuser (motif choisi dans la ligne)",
	"key_u": "annuler la dernière décision (quelques secondes)", "key_enter": "ouvrir le commentaire", "key_help": "afficher cette aide",
	"err_400": "Demande invalide", "err_401": "Connexion requise", "err_403": "Accès refusé", "err_404": "Introuvable",
	"err_409": "Conflit : la situation a changé", "err_413": "Trop volumineux", "err_429": "Trop de tentatives",
	"err_500": "Erreur interne", "err_503": "Service indisponible", "request_id": "Identifiant de la requête :",
	"rate_limited": "Trop de requêtes", "rate_limited_wait": "Trop de requêtes sont venues de votre adresse. Réessayez dans %d s.",
	"back_queue": "Retour à la file", "title_queue": "File de revue", "title_error": "Erreur",
	"queue_stats": "%d en attente, dont %d réservés", "oldest": "plus ancien reçu", "start_review": "Commencer la revue",
	"f_category": "Motif", "f_language": "Langue", "f_source": "Source", "f_reason": "Raison", "any": "tous",
	"filter": "Filtrer", "author_view": "Commentaires en attente de l'auteur", "all_queue": "toute la file",
	"groups": "Textes identiques en attente", "group_line": "%d copies par %d auteurs",
	"keys_hint":  "Clavier : j/k pour se déplacer, p publier, r refuser, u annuler, ? aide.",
	"claimed_me": "réservé par vous", "claimed_by": "réservé par", "author_all": "tous ses commentaires en attente",
	"open": "Ouvrir", "publish": "Publier", "refuse": "Refuser", "next_page": "Page suivante",
	"queue_none": "Aucun commentaire en attente.", "title_review": "Commentaire",
	"status_pending": "en attente", "status_published": "publié", "status_refused": "refusé", "status_withdrawn": "retiré par son auteur",
	"thread": "fil", "received": "reçu le", "in_reply_to": "En réponse à", "decision": "Décision", "note": "Note",
	"group_copies": "Voir les %d copies de ce texte et les décider ensemble", "reexamine": "Réexaminer",
	"reinstate": "Rétablir (retiré à tort)", "statement": "Motif du recours", "open_appeal": "Ouvrir un recours",
	"remove": "Retirer avec ce motif", "undo": "Annuler ma décision", "why": "Pourquoi",
	"verdict": "Verdict des règles :", "action_publish": "publier", "action_refuse": "refuser", "action_review": "revue humaine",
	"score": "score", "ruleset": "règles", "rule": "Règle", "matched": "Texte reconnu", "bytes": "Octets",
	"no_match": "Aucune règle n'a reconnu de passage.", "author_history": "Historique de l'auteur",
	"appeal_open": "ouvert", "appeal_upheld": "refus maintenu", "appeal_reinstated": "rétabli", "appeal_superseded": "sans objet",
	"history": "Historique des décisions", "when": "Quand", "who": "Qui", "change": "Changement", "how": "Voie", "new": "nouveau",
	"title_group": "Textes identiques", "group_note": "Cochez des copies pour ne décider qu'elles ; sans case cochée, la décision vaut pour toutes. Chaque copie reçoit son propre événement.",
	"publish_all": "Publier la sélection", "refuse_all": "Refuser la sélection",
	"title_audits": "Audits à l'aveugle", "audits_intro": "Un échantillon aléatoire des décisions automatiques (publications et refus) est réexaminé sans voir la décision des règles. Les décisions infirmées alimentent le taux d'erreur estimé du rapport public.",
	"audit_open": "ouverts", "audit_confirmed": "décision confirmée", "audit_overturned": "décision infirmée", "audit_superseded": "sans objet (le commentaire a changé entre-temps)",
	"audit_next": "Auditer le suivant", "title_audit": "Audit", "audit_blind": "Décidez comme si ce commentaire arrivait : la décision des règles vous sera montrée ensuite.",
	"audit_publish": "Je publierais", "audit_refuse": "Je refuserais", "audit_machine": "Décision automatique :", "audit_human": "Votre décision :",
	"title_appeals": "Recours", "uphold": "Maintenir le refus", "appeals_none": "Aucun recours en attente.",
	"msg_decided_publish": "Publié.", "msg_decided_refuse": "Refusé.", "msg_undone": "Décision annulée : le commentaire est de retour dans la file.",
	"msg_reexamined": "Réexamen enregistré.", "msg_appeal_opened": "Recours ouvert.", "msg_queue_empty": "Rien à réserver : la file est vide ou tout est déjà réservé.",
	"msg_group_decided": "Décision appliquée aux copies.", "msg_appeal_decided": "Recours tranché.", "msg_audit_none": "Aucun audit en attente.",
	"ago_s": "il y a %d s", "ago_min": "il y a %d min", "ago_h": "il y a %d h", "ago_d": "il y a %d j",
	"js_published": "Publié.", "js_refused": "Refusé.", "js_undohint": "(u pour annuler)", "js_undone": "Annulé : de retour dans la file.", "js_failed": "Échec :",
	"filters_title": "Filtres", "author_unknown": "auteur inconnu",
	"decide_next": "Après la décision, le commentaire suivant de la file s'ouvre.",
	"route_rules": "règles", "route_review": "file de revue", "route_appeal": "recours", "route_audit": "audit",
	"route_report": "signalement", "route_edit": "modification", "route_platform": "plateforme",
	"route_recheck": "réexamen", "route_external": "demande externe", "route_undo": "annulation",
}

// frAdmin is the administration pages, in French.
var frAdmin = map[string]string{
	"title_rules": "Règles en vigueur", "categories": "motifs", "sor_export": "Exporter les exposés des motifs (ce mois, CSV)",
	"rule_hits": "Ce que chaque règle a décidé", "days7": "7 jours", "days30": "30 jours", "of_refused": "dont refus",
	"no_hits": "Aucune décision sur la période.", "check_rules": "Valider un fichier de règles candidat",
	"check_note": "Collez le YAML d'un fichier de règles : il est vérifié, rien n'est appliqué. Pour le mettre en vigueur, modifiez les fichiers configurés puis rechargez (SIGHUP) ; `vigie backtest --rules FICHIER` montre ce qu'il changerait.",
	"check_ok":   "Fichier valide.", "check_failed": "Le fichier a des erreurs :", "check_button": "Valider",
	"bt_title": "Ce que le candidat changerait (30 derniers jours)", "bt_total": "%d commentaires rejoués", "bt_none": "Aucun changement de statut.",
	"bt_human": "%d de ces commentaires ont une décision humaine ; `vigie backtest` donne l'accord détaillé.",
}

// frAccounts is signing in and managing users, in French.
var frAccounts = map[string]string{
	"title_login": "Connexion des modérateurs", "user_name": "Identifiant", "password": "Mot de passe", "login": "Se connecter",
	"login_note": "Seuls les modérateurs se connectent ici. Tout le monde peut lire le", "login_wrong": "Identifiant ou mot de passe incorrect.",
	"login_throttled": "Trop d’essais manqués : attendez un moment avant de réessayer.",
	"login_stale":     "Le formulaire avait expiré ; connectez-vous de nouveau.",
	"msg_logged_out":  "Vous êtes déconnecté.", "msg_password_changed": "Mot de passe changé : connectez-vous avec le nouveau.",
	"msg_user_added": "Compte créé.", "msg_user_saved": "Compte mis à jour.",
	"nav_users": "Utilisateurs", "title_users": "Utilisateurs", "user_role": "Rôle", "user_state": "État", "user_actions": "Actions",
	"user_active": "actif", "user_disabled": "désactivé", "user_enable": "Réactiver", "user_disable": "Désactiver",
	"new_password": "nouveau mot de passe (10 caractères ou plus)", "set_password": "Changer le mot de passe", "save": "Enregistrer",
	"choose_reason": "choisir un motif…", "add_user": "Ajouter un utilisateur",
	"users_cli": "Jetons d’API personnels pour les scripts : `vigie user token NOM` (affiché une fois, conservé haché).",
}

// frPlatform is the admin page of actions owed to platforms, in French.
var frPlatform = map[string]string{
	"nav_platform": "Plateforme", "title_platform": "Actions sur les pages",
	"platform_intro":   "Ce que Vigie doit faire sur les pages qu’il modère : masquer un commentaire refusé, réafficher un commentaire rétabli, supprimer quand la page le demande. Les actions en échec sont listées ici ; une alerte (jeton de page expiré ou révoqué) demande un administrateur : renouveler le jeton, redémarrer ou recharger, puis relancer.",
	"platform_pending": "à faire", "platform_failed": "en échec", "platform_alerts": "alertes",
	"platform_action": "Action", "platform_comment": "Commentaire", "platform_attempts": "Essais", "platform_error": "Dernière erreur",
	"platform_alert": "alerte", "platform_retry": "Relancer", "platform_none": "Aucune action en échec.",
	"msg_blind_audit":      "Ce commentaire est en audit à l’aveugle : décidez-le ici d’abord ; la décision automatique s’affiche ensuite.",
	"msg_platform_retried": "L’action est de nouveau en file.",
	"platform_banner":      "%d action(s) sur les pages ont échoué et demandent un administrateur (jeton de page ?).",
}
