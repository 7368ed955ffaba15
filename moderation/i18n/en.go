package i18n

// enAreas are the English tables, in the same areas as frAreas.
var enAreas = []map[string]string{enCommon, enUI, enAdmin, enAccounts, enPlatform, enPublic, enReport, enFormat, enCriticism, enModels, enPages, enCrisis}

var enCommon = map[string]string{
	"lang_name": "English",
}
