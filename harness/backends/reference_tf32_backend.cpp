// Stub: reference-tf32 and reference-tf32-trunc (see harness/backends/adapters.h).
namespace convt {}
