// The DecantRender module; see README "Architecture".
