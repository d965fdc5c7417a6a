use api_error_core::ApiError;

// A misspelt key stands only for the key it misspells, and only where that key may go:
// `cod` and `tpye` hide nothing, `status_code` and `exose` add nothing, in any order.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    // `cod`: the typo, and `expose` on a 4xx.
    #[error("a")]
    #[api_error(status = 404, cod = "a_code", expose)]
    A,
    // `tpye`: the typo, and the 5xx param field.
    #[error("b {id}")]
    #[api_error(status = 500, tpye = "x")]
    B {
        #[api_error(param)]
        id: String,
    },
    // `status_code`: one error, no "missing status".
    #[error("c")]
    #[api_error(status_code = 404)]
    C,
    // `exose` before the status: one error.
    #[error("d {id}")]
    #[api_error(exose, status = INTERNAL_SERVER_ERROR)]
    D {
        #[api_error(param)]
        id: String,
    },
    // A misspelt status on a field: one error, no "missing status".
    #[error("f")]
    F(#[api_error(stauts = 404)] String),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(mesage = "x")]
enum Container {
    // The container's typo, and this variant's missing status.
    #[error("g")]
    G,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 404, message = "missing {id}")]
enum BlankMessage {
    #[error("h")]
    H { id: String },
    // A blank message is one error: not also "no such field" for the enum's message.
    #[error("i")]
    #[api_error(message = "")]
    I,
}

fn main() {}
