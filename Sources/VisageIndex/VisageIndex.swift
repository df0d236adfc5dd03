// VisageIndex module: see the README's module map.
