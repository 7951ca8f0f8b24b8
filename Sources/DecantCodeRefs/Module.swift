// The DecantCodeRefs module; see README "Architecture".
