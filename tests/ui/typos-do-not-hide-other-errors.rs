use api_error_core::ApiError;

// A misspelt key is one error; what else is wrong in the same input is reported with it,
// not after the typo is fixed. (Only a misspelt key that other rules judge by its absence,
// like `status`, stands for that key.)
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("a")]
    #[api_error(code = "a_code")]
    A(#[api_error(parm)] String),
    #[error("b")]
    #[api_error(status = 404, code = "dup", expose)]
    B(#[api_error(retry_afte)] u64),
    #[error("c")]
    #[api_error(status = 400, code = "dup")]
    C,
    #[error("d")]
    #[api_error(stauts = 404, code = "d_code")]
    D,
}

fn main() {}
