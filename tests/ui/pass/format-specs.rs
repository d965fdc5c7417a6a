//! Format specs in messages work on generic fields: the derive adds the bound each spec
//! needs (`{0:#x}` needs `LowerHex`, `{1:e}` `LowerExp`, `{2:?}` `Debug`).
use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("bad value")]
#[api_error(status = 400, message = "bad {0:#x} {1:.1e} {2:?} {0:>6o} {0:08b}")]
struct Bad<H: std::fmt::Debug, F: std::fmt::Debug, D: std::fmt::Debug>(H, F, D);

fn main() {
    let e = Bad(10u8, 1500.0f64, "d");
    assert_eq!(e.message(), r#"bad 0xa 1.5e3 "d"     12 00001010"#);
}
