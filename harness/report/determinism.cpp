// Stub: filled by the determinism section's work (see harness/report/report.h).
namespace convt::report {}
