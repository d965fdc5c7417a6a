//! A crate whose only dependency is `api-error-core` (default features): the derive's
//! output must compile here without `http`, `serde`, `serde_json` or `thiserror`.

use std::fmt;

use api_error_core::{ApiError, ErrorCatalog};

/// Errors written without thiserror: `Display` and `Error` by hand.
#[derive(Debug, ApiError)]
pub enum ShopError {
    /// The item does not exist.
    #[api_error(
        status = 404,
        code = "item_missing",
        param = "item",
        message = "No such item: {0}"
    )]
    ItemMissing(String),
    /// Slow down.
    #[api_error(status = TOO_MANY_REQUESTS)]
    Throttled {
        /// Seconds to wait.
        #[api_error(retry_after)]
        secs: u64,
    },
    /// Something broke.
    #[api_error(status = 500)]
    Broken,
}

impl fmt::Display for ShopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShopError::ItemMissing(id) => write!(f, "No such item: {id}"),
            ShopError::Throttled { secs } => write!(f, "throttled for {secs}s"),
            ShopError::Broken => f.write_str("disk full on /var/lib/shop"),
        }
    }
}

impl std::error::Error for ShopError {}

/// Renders an error the way an integration would.
pub fn render(e: &dyn ApiError, request_id: Option<&str>) -> String {
    let mut out = Vec::new();
    e.write_json(request_id, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The catalog's codes.
pub fn codes() -> Vec<&'static str> {
    ShopError::catalog().iter().map(|e| e.code).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_without_other_dependencies() {
        assert_eq!(
            render(&ShopError::ItemMissing("sku_1".into()), Some("req_1")),
            r#"{"message":"No such item: sku_1","type":"not_found_error","code":"item_missing","param":"item","request_id":"req_1"}"#
        );
        assert_eq!(
            render(&ShopError::Throttled { secs: 3 }, None),
            r#"{"message":"throttled for 3s","type":"rate_limit_error","code":"throttled","param":null,"request_id":null}"#
        );
        let broken = render(&ShopError::Broken, None);
        assert!(!broken.contains("disk full"), "{broken}");
        assert_eq!(codes(), ["item_missing", "throttled", "broken"]);
        assert_eq!(
            ShopError::Throttled { secs: 3 }.retry_after(),
            Some(std::time::Duration::from_secs(3))
        );
    }
}
