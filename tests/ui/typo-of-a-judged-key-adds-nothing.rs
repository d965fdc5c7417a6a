use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("inner")]
#[api_error(status = 404)]
pub struct Inner;

// A misspelt key that other rules judge by its absence stands for that key: one error each,
// no "missing status" for `trasparent`, no "a 5xx param field needs expose" for `exose`, no
// "`expose` with `message`" after a blank message.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error(transparent)]
    #[api_error(trasparent)]
    Wrapped(Inner),
    #[error("boom {id}")]
    #[api_error(status = 500, exose)]
    Boom {
        #[api_error(param)]
        id: String,
    },
    #[error("blank")]
    #[api_error(status = 500, message = "", expose)]
    Blank,
}

fn main() {}
