use api_error_core::ApiError;

struct NotDebug;
impl std::fmt::Display for NotDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("x") }
}

#[derive(thiserror::Error, ApiError)]
#[error("{0}")]
#[api_error(status = 400, message = "value {0:?}")]
struct E(NotDebug);
impl std::fmt::Debug for E {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("E") }
}

fn main() {}
