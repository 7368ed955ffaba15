package i18n

// frAreas are the French tables, one per area of the product.
var frAreas = []map[string]string{frCommon, frUI, frAdmin, frAccounts, frPlatform, frPublic, frReport, frFormat, frCriticism, frModels, frPages, frCrisis}

var frCommon = map[string]string{
	"lang_name": "Français",
}
