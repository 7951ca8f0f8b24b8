// The DecantEngine module; see README "Architecture".
