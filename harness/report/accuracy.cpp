// Stub: filled by the accuracy section's work (see harness/report/report.h).
namespace convt::report {}
