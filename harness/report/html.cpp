// Stub: filled by the html section's work (see harness/report/report.h).
namespace convt::report {}
