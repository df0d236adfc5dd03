// VisageStore module: see the README's module map.
