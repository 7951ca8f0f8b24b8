// The DecantState module; see README "Architecture".
