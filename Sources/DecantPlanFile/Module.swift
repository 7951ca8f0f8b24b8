// The DecantPlanFile module; see README "Architecture".
