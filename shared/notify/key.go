package notify

// StoreKey names a record of kind in a Store from its parts, the way
// notify's own records are named (a short hash, free of the separators the
// durable stores reserve), so other state kept beside them (the registry
// check's history) fits every Store.
func StoreKey(kind string, parts ...string) string { return storeKey(kind, parts...) }
