//! Benchmarks of api-error; see `benches/render.rs` and `RESULTS.md`. No library code.
