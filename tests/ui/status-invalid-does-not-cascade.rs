// A status that is not understood is one error: the rules that depend on the status
// (`expose` only on 5xx, field errors only on 4xx, one code one status) do not judge the
// variant by the enum's status it would otherwise fall back to.
use api_error_core::{ApiError, FieldErrors};

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 404)]
enum E {
    #[error("down")]
    #[api_error(status = 5003, expose)]
    Down,
    #[error("missing")]
    #[api_error(code = "missing")]
    Missing,
    #[error("also missing")]
    #[api_error(status = "404", code = "missing")]
    AlsoMissing,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 503)]
enum F {
    #[error("invalid")]
    #[api_error(status = "422")]
    Invalid {
        #[api_error(field_errors)]
        errors: FieldErrors,
    },
}

fn main() {}
