use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x {id}")]
    #[api_error(status = 404)]
    Missing {
        #[api_error(parm)]
        id: String,
    },
}

fn main() {}
