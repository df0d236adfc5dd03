/// Placeholder so the module builds before its first file lands; delete it then.
enum VisageClusterPlaceholder {}
