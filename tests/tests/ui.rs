//! The compile-fail suite: every misuse of the derive is an error with a span on the
//! offending token and a message that says what to write instead (`tests/ui/*.stderr`),
//! and the pass cases compile (and run) cleanly.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("ui/pass/*.rs");
}
