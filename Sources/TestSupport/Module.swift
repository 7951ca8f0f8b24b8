// The TestSupport module; see README "Architecture".
