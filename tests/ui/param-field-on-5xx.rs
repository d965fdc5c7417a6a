use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("db failed for {query}")]
    #[api_error(status = 503, code = "db_unavailable")]
    Db {
        #[api_error(param)]
        query: String,
    },
    // With `expose`, the variant publishes its details: allowed.
    #[error("upstream {name} is down")]
    #[api_error(status = 502, expose)]
    Upstream {
        #[api_error(param)]
        name: String,
    },
}

fn main() {}
