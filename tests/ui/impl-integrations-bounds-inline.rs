// The generic form of `impl_integrations!` names each parameter by itself: bounds go in a
// `where` clause. Written inline, one error says so.
use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(no_integrations)]
enum Wrapped<T: std::fmt::Debug> {
    #[error("busy")]
    #[api_error(status = 503)]
    Busy(T),
}

api_error_core::impl_integrations!(impl<T: std::fmt::Debug> Wrapped<T>);

fn main() {}
