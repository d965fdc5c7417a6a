//! The error catalog rendered as a reference (Markdown, JSON), merging, and the drift guard.
//!
//! The Markdown and JSON of a fixed enum are compared with checked-in files under
//! `tests/snapshots/`; after an intended change, rewrite them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p api-error-tests --test test_catalog` and review the diff.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use api_error_core::catalog::{
    assert_catalog_matches, Catalog, CatalogEntry, ErrorCatalog, UPDATE_ENV,
};
use api_error_core::ApiError;

/// Authentication errors, inlined into `PaymentError` by a transparent variant.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum AuthError {
    /// The API key is missing, revoked or malformed.
    #[error("Invalid API key provided")]
    #[api_error(status = 401, code = "invalid_api_key")]
    InvalidApiKey,

    /// The API key lacks the permission this request needs.
    #[error("This API key cannot {action}")]
    #[api_error(status = 403, code = "permission_denied")]
    PermissionDenied { action: String },
}

/// The fixed enum of the snapshots.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum PaymentError {
    /// No customer has this id.
    #[error("No such customer: {id}")]
    #[api_error(status = 404, code = "resource_missing", param = "customer")]
    CustomerNotFound { id: String },

    /// The idempotency key was reused
    /// with different parameters.
    ///
    /// Use a new key for a new request:
    /// - one key per request
    /// - 1. no, really
    #[error("Idempotency key {key} was reused with different parameters")]
    #[api_error(status = 409, code = "idempotency_key_reused")]
    IdempotencyConflict { key: String },

    /// Amounts are integers | in the smallest currency unit.
    #[error("{field} must be positive")]
    #[api_error(status = 422, code = "invalid_amount")]
    InvalidAmount {
        #[api_error(param)]
        field: String,
    },

    #[error("Too many requests")]
    #[api_error(status = 429, code = "rate_limited")]
    RateLimited {
        #[api_error(retry_after)]
        wait: std::time::Duration,
    },

    /// The ledger could not be reached.
    #[error("db password hunter2 rejected by ledger-db-01")]
    #[api_error(status = 500, code = "ledger_unavailable")]
    Ledger,

    /// The database is unavailable.
    #[error("database unavailable: {0}")]
    #[api_error(status = 503, code = "database_unavailable")]
    Database(#[source] std::io::Error),

    #[error(transparent)]
    #[api_error(transparent)]
    Auth(AuthError),

    /// A second 404, to show several codes under one status.
    #[error("No such charge")]
    #[api_error(status = 404, code = "charge_missing", param = "charge")]
    ChargeNotFound,
}

fn entry(code: &'static str, status: u16) -> CatalogEntry {
    CatalogEntry {
        variant: "Hand",
        status,
        error_type: "invalid_request_error",
        code,
        message: "hand-written",
        param: None,
        retryable: false,
        doc: "",
    }
}

/// A hand-written catalog that repeats a code of `PaymentError` with another status.
struct Hand;
impl ErrorCatalog for Hand {
    fn catalog() -> Vec<CatalogEntry> {
        vec![
            entry("resource_missing", 410),
            entry("gone", 410),
            entry("gone", 400),
            entry("bad_request", 400),
        ]
    }
}

fn snapshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots")
        .join(name)
}

/// Compares `actual` with a checked-in file byte for byte (`UPDATE_SNAPSHOTS=1` rewrites it).
/// Deliberately not `API_ERROR_CATALOG_UPDATE`, which the drift test below toggles.
fn assert_snapshot(name: &str, actual: &str) {
    let path = snapshot_path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} is out of date (run with UPDATE_SNAPSHOTS=1 and review the diff)\n\
             --- expected ---\n{expected}\n--- actual ---\n{actual}",
            path.display()
        );
    }
}

fn payment_catalog() -> Catalog {
    Catalog::of::<PaymentError>().with_title("Payments API errors")
}

#[test]
fn markdown_snapshot() {
    assert_snapshot("catalog.md", &payment_catalog().to_markdown());
}

#[test]
fn json_snapshot() {
    let mut json = payment_catalog().to_json();
    json.push('\n');
    assert_snapshot("catalog.json", &json);
}

#[test]
fn json_has_stable_field_names_and_catalog_order() {
    let value: serde_json::Value = serde_json::from_str(&payment_catalog().to_json()).unwrap();
    let entries = value.as_array().unwrap();
    let codes: Vec<&str> = entries
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "resource_missing",
            "idempotency_key_reused",
            "invalid_amount",
            "rate_limited",
            "ledger_unavailable",
            "database_unavailable",
            "invalid_api_key",
            "permission_denied",
            "charge_missing",
        ]
    );
    for e in entries {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            [
                "code",
                "doc",
                "message",
                "param",
                "retryable",
                "status",
                "type",
                "variant"
            ]
        );
    }
    let first = &entries[0];
    assert_eq!(first["variant"], "CustomerNotFound");
    assert_eq!(first["status"], 404);
    assert_eq!(first["type"], "not_found_error");
    assert_eq!(first["message"], "No such customer: {id}");
    assert_eq!(first["param"], "customer");
    assert_eq!(first["retryable"], false);
    assert_eq!(first["doc"], "No customer has this id.");
    // A field param is only known at run time.
    assert_eq!(entries[2]["param"], serde_json::Value::Null);
    assert_eq!(entries[3]["retryable"], true);
}

#[test]
fn markdown_layout() {
    let md = payment_catalog().to_markdown();
    assert!(
        md.starts_with("# Payments API errors\n\n## 401 Unauthorized\n\n"),
        "{md}"
    );
    assert!(md.ends_with(" |\n"), "{md}");
    // Sections in ascending status order.
    let sections: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        sections,
        [
            "## 401 Unauthorized",
            "## 403 Forbidden",
            "## 404 Not Found",
            "## 409 Conflict",
            "## 422 Unprocessable Entity",
            "## 429 Too Many Requests",
            "## 500 Internal Server Error",
            "## 503 Service Unavailable",
        ]
    );
    assert_eq!(
        md.matches("| Code | Type | Message | Param | Retryable | Description |")
            .count(),
        8
    );
    // Several codes under one status, in catalog order.
    let missing = md.find("`resource_missing`").unwrap();
    let charge = md.find("`charge_missing`").unwrap();
    assert!(missing < charge);
    // Escaping: `|` in a cell, and a multi-line doc comment on one row.
    assert!(md.contains("Amounts are integers \\| in the smallest currency unit."));
    assert!(md.contains(
        "| The idempotency key was reused with different parameters.<br><br>\
         Use a new key for a new request:<br>- one key per request<br>- 1. no, really |"
    ));
    // The redacted 5xx shows only its generic message.
    assert!(!md.contains("hunter2"));
    assert!(md
        .contains("| `ledger_unavailable` | `api_error` | An internal error occurred. |  | yes |"));
}

#[test]
fn every_table_row_has_six_cells() {
    let md = payment_catalog().to_markdown();
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 7, "{line}");
    }
}

#[test]
fn merge_deduplicates_by_code_and_status_keeping_the_first() {
    let payment = PaymentError::catalog();
    let auth = AuthError::catalog();
    // The transparent variant already inlines AuthError's entries.
    assert!(auth.iter().all(|a| payment.contains(a)));

    let merged = Catalog::of::<PaymentError>().with::<AuthError>();
    assert_eq!(merged.len(), payment.len());
    assert_eq!(merged.entries(), payment.as_slice());

    let merged = Catalog::of::<AuthError>()
        .with::<PaymentError>()
        .with::<Hand>();
    let codes: Vec<&str> = merged.entries().iter().map(|e| e.code).collect();
    assert_eq!(codes[..2], ["invalid_api_key", "permission_denied"]);
    // One code under two statuses is two errors: both stay, and `get` finds the first.
    assert_eq!(
        codes.iter().filter(|c| **c == "resource_missing").count(),
        2
    );
    assert_eq!(merged.get("resource_missing").unwrap().status, 404);
    assert_eq!(merged.get("gone").unwrap().status, 410);
    assert_eq!(
        &codes[codes.len() - 4..],
        ["resource_missing", "gone", "gone", "bad_request"]
    );
    assert_eq!(merged.len(), payment.len() + 4);

    // Extend and FromIterator de-duplicate the same way: by code and status.
    let collected: Catalog = Hand::catalog()
        .into_iter()
        .chain([entry("gone", 410), entry("gone", 400)])
        .collect();
    assert_eq!(collected.len(), 4);
    assert_eq!(
        collected.by_status().keys().copied().collect::<Vec<_>>(),
        [400, 410]
    );
}

#[test]
fn empty_catalog() {
    let catalog = Catalog::new();
    assert!(catalog.is_empty());
    assert_eq!(catalog.to_json(), "[]");
    assert_eq!(catalog.to_markdown(), "# Error reference\n");
}

fn panic_message(result: std::thread::Result<()>) -> String {
    match result {
        Ok(()) => panic!("expected the drift check to fail"),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    }
}

/// Every drift-guard case in one test: the update variable is process-global.
#[test]
fn drift_guard() {
    let saved = std::env::var_os(UPDATE_ENV);
    std::env::remove_var(UPDATE_ENV);

    let dir = std::env::temp_dir().join(format!(
        "api-error-catalog-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    let file = dir.join("nested").join("payment.json");
    let check = |file: &Path| {
        catch_unwind(AssertUnwindSafe(|| {
            assert_catalog_matches::<PaymentError>(file)
        }))
    };

    // Missing file: fails and says how to create it.
    let msg = panic_message(check(&file));
    assert!(msg.contains("API_ERROR_CATALOG_UPDATE=1"), "{msg}");
    assert!(msg.contains("payment.json"), "{msg}");

    // "0" does not count as update mode.
    std::env::set_var(UPDATE_ENV, "0");
    assert!(check(&file).is_err());
    assert!(!file.exists());

    // Update mode writes the file (and its directories).
    std::env::set_var(UPDATE_ENV, "1");
    assert!(check(&file).is_ok());
    std::env::remove_var(UPDATE_ENV);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        format!("{}\n", Catalog::of::<PaymentError>().to_json())
    );

    // Matching file passes, whatever its formatting.
    assert!(check(&file).is_ok());
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    std::fs::write(&file, serde_json::to_string(&value).unwrap()).unwrap();
    assert!(check(&file).is_ok());

    // A changed contract fails with a diff naming the codes.
    let mut changed = value.clone();
    let entries = changed.as_array_mut().unwrap();
    entries[0]["status"] = 410.into(); // resource_missing: was 410, now 404
    entries[0]["type"] = "gone_error".into();
    entries[1]["message"] = "Old message".into(); // idempotency_key_reused
    entries[2]["param"] = "amount".into(); // invalid_amount
    entries[3]["retryable"] = false.into(); // rate_limited
    entries.retain(|e| e["code"] != "permission_denied"); // now added
    let mut ghost = entries[0].clone();
    ghost["code"] = "ghost_code".into(); // now removed
    entries.push(ghost);
    std::fs::write(&file, serde_json::to_string_pretty(&changed).unwrap()).unwrap();
    let msg = panic_message(check(&file));
    assert!(
        msg.contains("codes added:\n  + permission_denied (status 403"),
        "{msg}"
    );
    assert!(
        msg.contains("codes removed:\n  - ghost_code (status 410"),
        "{msg}"
    );
    assert!(
        msg.contains("~ resource_missing: status 410 -> 404; type gone_error -> not_found_error"),
        "{msg}"
    );
    assert!(
        msg.contains(r#"~ idempotency_key_reused: message "Old message" -> "Idempotency key {key} was reused with different parameters""#),
        "{msg}"
    );
    assert!(
        msg.contains(r#"~ invalid_amount: param "amount" -> null"#),
        "{msg}"
    );
    assert!(
        msg.contains("~ rate_limited: retryable false -> true"),
        "{msg}"
    );
    assert!(msg.contains("API_ERROR_CATALOG_UPDATE=1"), "{msg}");
    assert!(!msg.contains("charge_missing"), "{msg}");

    // Same entries, another order: still a failure, explained.
    let mut reordered = value.clone();
    reordered.as_array_mut().unwrap().reverse();
    std::fs::write(&file, serde_json::to_string(&reordered).unwrap()).unwrap();
    let msg = panic_message(check(&file));
    assert!(msg.contains("different order"), "{msg}");

    // Not a catalog: fails and says how to regenerate.
    std::fs::write(&file, "{not json").unwrap();
    let msg = panic_message(check(&file));
    assert!(msg.contains("not an error catalog JSON"), "{msg}");
    assert!(msg.contains("API_ERROR_CATALOG_UPDATE=1"), "{msg}");

    // Update mode rewrites a stale file; then it matches again.
    std::env::set_var(UPDATE_ENV, "1");
    assert!(check(&file).is_ok());
    std::env::remove_var(UPDATE_ENV);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    assert!(check(&file).is_ok());

    // The Catalog form checks several types as one.
    let merged = Catalog::of::<PaymentError>().with::<Hand>();
    assert!(catch_unwind(AssertUnwindSafe(|| merged.assert_matches(&file))).is_err());

    let _ = std::fs::remove_dir_all(&dir);
    match saved {
        Some(v) => std::env::set_var(UPDATE_ENV, v),
        None => std::env::remove_var(UPDATE_ENV),
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
enum Billing {
    /// Billing says the thing conflicts.
    #[error("Billing conflict")]
    #[api_error(status = 409, code = "conflict")]
    Conflict,
}

#[derive(Debug, thiserror::Error, ApiError)]
enum Shipping {
    /// Shipping says the request is malformed.
    #[error("Shipping conflict")]
    #[api_error(status = 400, code = "conflict")]
    Conflict,
}

/// Two inner types that send `conflict` with different statuses and types (the derive
/// rejects this between direct variants, but cannot see into inner types).
#[derive(Debug, thiserror::Error, ApiError)]
enum Outer {
    #[error(transparent)]
    #[api_error(transparent)]
    Billing(Billing),
    #[error(transparent)]
    #[api_error(transparent)]
    Shipping(Shipping),
}

/// The type's own catalog lists both, and so does its reference: one code under two
/// statuses is two errors (merging drops an entry only for the same code and status).
#[test]
fn a_code_reused_by_two_inner_types() {
    let sent = Outer::Shipping(Shipping::Conflict);
    assert_eq!(sent.status(), 400);
    let statuses: Vec<u16> = Outer::catalog().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [409, 400]);
    let reference = Catalog::of::<Outer>().with::<Billing>().with::<Shipping>();
    let listed: Vec<(u16, &str)> = reference
        .entries()
        .iter()
        .map(|e| (e.status, e.code))
        .collect();
    assert_eq!(listed, [(409, "conflict"), (400, "conflict")]);
    assert_eq!(reference.get("conflict").unwrap().status, 409);
    let markdown = reference.to_markdown();
    assert!(markdown.contains("## 400 Bad Request"), "{markdown}");
    assert!(markdown.contains("## 409 Conflict"), "{markdown}");
    assert!(reference.to_json().contains(r#""status": 400"#));
}

/// The drift guard tells the two apart: a change to one is named with its status.
#[test]
fn a_code_under_two_statuses_is_diffed_by_status() {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let dir = std::env::temp_dir().join(format!("api-error-two-statuses-{}", std::process::id()));
    let file = dir.join("outer.json");
    std::fs::create_dir_all(&dir).unwrap();
    let reference = Catalog::of::<Outer>();
    std::fs::write(
        &file,
        reference.to_json().replace("Shipping conflict", "Old text"),
    )
    .unwrap();
    let failure = catch_unwind(AssertUnwindSafe(|| reference.assert_matches(&file))).unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    assert!(
        message.contains(r#"~ conflict (400): message "Old text" -> "Shipping conflict""#),
        "{message}"
    );
    assert!(!message.contains("conflict (409)"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// OpenAPI documents both statuses.
#[test]
fn openapi_responses_include_every_status_the_type_can_send() {
    use utoipa::IntoResponses as _;
    let responses = Outer::responses();
    let keys: Vec<&String> = responses.keys().collect();
    assert!(
        responses.contains_key("400"),
        "Outer can answer 400 but its documented responses are {keys:?}"
    );
}

/// The typed client matches code and status: a 400 `conflict` is Shipping's.
#[test]
fn typed_client_does_not_turn_a_400_into_the_409_variant() {
    let read_back = |sent: &Outer| {
        let mut out = Vec::new();
        sent.write_json(None, &mut out);
        api_error_core::client::ErrorResponse::from_parts(
            sent.status(),
            &http::HeaderMap::new(),
            &out,
        )
        .to_typed::<Outer>()
    };
    let typed = read_back(&Outer::Shipping(Shipping::Conflict));
    assert!(
        matches!(typed, Some(Outer::Shipping(Shipping::Conflict))),
        "{typed:?}"
    );
    assert!(matches!(
        read_back(&Outer::Billing(Billing::Conflict)),
        Some(Outer::Billing(Billing::Conflict))
    ));
}

#[derive(Debug, thiserror::Error, ApiError)]
enum Leaf {
    #[error("no leaf")]
    #[api_error(status = 404, code = "leaf_missing")]
    Missing,
    #[error("slow down")]
    #[api_error(status = 429, code = "slow")]
    Slow,
}

#[derive(Debug, thiserror::Error, ApiError)]
enum ByRef<'a> {
    #[error(transparent)]
    #[api_error(transparent)]
    Leaf(&'a Leaf),
    #[error("own")]
    #[api_error(status = 400)]
    Own,
}

/// A transparent variant over a reference lists its target's errors, as over a value or a
/// box: what the type sends is what its catalog says.
#[test]
fn transparent_over_a_reference_lists_the_inner_catalog() {
    assert_eq!(ByRef::Leaf(&Leaf::Slow).code(), "slow");
    let codes: Vec<&str> = ByRef::catalog().iter().map(|e| e.code).collect();
    assert_eq!(codes, ["leaf_missing", "slow", "own"]);
}

/**
 * Block doc comment.
 * Second line.
 */
#[derive(Debug, thiserror::Error, ApiError)]
#[error("blocked")]
#[api_error(status = 400)]
struct BlockDoc;

/**
    An indented block
      keeps its inner indent.
*/
#[derive(Debug, thiserror::Error, ApiError)]
#[error("indented")]
#[api_error(status = 400)]
struct IndentedBlockDoc;

/** Summary on the first line.
 * More below.
 */
#[derive(Debug, thiserror::Error, ApiError)]
#[error("summary")]
#[api_error(status = 400)]
struct JavadocBlock;

/// A block doc comment reads as rustdoc shows it: no leading `*`, no common indent.
#[test]
fn block_doc_comments() {
    assert_eq!(
        BlockDoc::catalog()[0].doc,
        "Block doc comment.\nSecond line."
    );
    assert_eq!(
        IndentedBlockDoc::catalog()[0].doc,
        "An indented block\n  keeps its inner indent."
    );
    assert_eq!(
        JavadocBlock::catalog()[0].doc,
        "Summary on the first line.\nMore below."
    );
}

#[derive(Debug, thiserror::Error, ApiError)]
enum Markup {
    #[error("x")]
    #[api_error(
        status = 400,
        code = "markup",
        message = "Invalid <field>: use *any* of a_b_c, `C:\\Users\\x` or a|b & more"
    )]
    Markup,
}

/// A message is plain text to clients: in the Markdown reference it shows as sent, every
/// character Markdown would read as markup escaped.
#[test]
fn markdown_shows_messages_as_sent() {
    let md = Catalog::of::<Markup>().to_markdown();
    let row = md
        .lines()
        .find(|l| l.starts_with("| `markup`"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        row.contains(
            r"Invalid \<field\>: use \*any\* of a\_b\_c, \`C:\\Users\\x\` or a\|b \& more"
        ),
        "{row}"
    );
}

/// Doc comments written as macros, as rustdoc accepts them: their text is the entry's doc.
#[derive(Debug, thiserror::Error, ApiError)]
enum MacroDocs {
    #[doc = include_str!("docs/card_declined.md")]
    #[error("declined")]
    #[api_error(status = 402)]
    CardDeclined,
    /// Literal first,
    #[doc = concat!("then ", "a macro.")]
    #[error("mixed")]
    #[api_error(status = 400)]
    Mixed,
}

#[test]
fn docs_from_macros() {
    let docs: Vec<&str> = MacroDocs::catalog().iter().map(|e| e.doc).collect();
    assert_eq!(
        docs,
        [
            "The card was declined by its issuer.\n\nAsk the customer for another card.",
            "Literal first,\nthen a macro.",
        ]
    );
}

/// The Markdown's `{field}` param belongs to one error (code and status), added by the type
/// whose field gives it: not to another error of the same code under another status, nor
/// to an error of that code another type added first.
mod field_param_of_its_own_error {
    use api_error_core::catalog::Catalog;
    use api_error_core::ApiError;

    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum Amounts {
        #[error("{field} must be positive")]
        #[api_error(status = 422, code = "invalid_amount")]
        Negative {
            #[api_error(param)]
            field: String,
        },
    }

    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("The amount is malformed")]
    #[api_error(status = 400, code = "invalid_amount")]
    pub struct Legacy;

    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("The amount is too large")]
    #[api_error(status = 422, code = "invalid_amount")]
    pub struct TooLarge;

    fn row<'a>(md: &'a str, message: &str) -> &'a str {
        md.lines()
            .find(|l| l.contains(message))
            .unwrap_or_else(|| panic!("{md}"))
    }

    #[test]
    fn a_field_param_is_shown_only_on_its_own_error() {
        let md = Catalog::new()
            .with::<Amounts>()
            .with::<Legacy>()
            .to_markdown();
        assert!(row(&md, "{field} must be positive").contains("| `{field}` |"));
        assert!(!row(&md, "The amount is malformed").contains("{field}"));
        // Another type named 422 invalid_amount first: its row, without a param.
        let md = Catalog::new()
            .with::<TooLarge>()
            .with::<Amounts>()
            .to_markdown();
        assert!(!row(&md, "The amount is too large").contains("{field}"));
    }
}

/// A transparent variant over the type itself (or over a type that wraps it back): its
/// catalog, its field hints and the typed client walk each type once instead of recursing
/// until the stack overflows.
mod wraps_itself {
    use api_error_core::catalog::ErrorCatalog;
    use api_error_core::client::{ErrorResponse, FromErrorResponse};
    use api_error_core::ApiError;
    use http::{HeaderMap, StatusCode};

    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum Nested {
        #[error("not found")]
        #[api_error(status = 404, code = "thing_missing")]
        NotFound,
        // `Self`, as the README writes it (the derive's free functions name the type).
        #[error(transparent)]
        #[api_error(transparent)]
        Again(Box<Self>),
        #[error(transparent)]
        #[api_error(transparent)]
        Other(Box<Outer>),
    }

    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum Outer {
        #[error("locked")]
        #[api_error(status = 423, code = "thing_locked", param = "thing")]
        Locked,
        #[error(transparent)]
        #[api_error(transparent)]
        Inner(Nested),
        #[error(transparent)]
        #[api_error(transparent)]
        Twice(Box<Nested>),
    }

    fn codes<T: ErrorCatalog>() -> Vec<(&'static str, u16)> {
        T::catalog().iter().map(|e| (e.code, e.status)).collect()
    }

    #[test]
    fn catalogs_list_each_error_once() {
        assert_eq!(
            codes::<Nested>(),
            [("thing_missing", 404), ("thing_locked", 423)]
        );
        assert_eq!(
            codes::<Outer>(),
            [("thing_locked", 423), ("thing_missing", 404)]
        );
        // And again: nothing is left marked as walked.
        assert_eq!(codes::<Nested>().len(), 2);
        // What OpenAPI documents are built from, walked the same way.
        let mut hints = Vec::new();
        <Outer as ErrorCatalog>::response_hints(&mut hints);
        assert!(hints.is_empty());
    }

    /// From another thread-local's destructor (the thread's locals being torn down), the
    /// catalog is whole, and quick.
    #[test]
    fn from_a_thread_local_destructor() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static SEEN: AtomicUsize = AtomicUsize::new(0);
        struct AtExit;
        impl Drop for AtExit {
            fn drop(&mut self) {
                SEEN.store(
                    Nested::catalog().len() + 10 * Outer::catalog().len(),
                    Ordering::SeqCst,
                );
            }
        }
        thread_local! {
            static AT_EXIT: AtExit = const { AtExit };
        }
        std::thread::spawn(|| {
            AT_EXIT.with(|_| ());
            // Walked once here too, before the destructors run.
            assert_eq!(Nested::catalog().len(), 2);
        })
        .join()
        .unwrap();
        assert_eq!(SEEN.load(Ordering::SeqCst), 22);
    }

    #[test]
    fn values_delegate_through_every_level() {
        let e = Nested::Again(Box::new(Nested::Other(Box::new(Outer::Locked))));
        assert_eq!((e.status().as_u16(), e.code()), (423, "thing_locked"));
    }

    #[test]
    fn the_typed_client_recognises_known_codes_and_gives_up_on_others() {
        let parse = |status: u16, code: &str| {
            let body = format!(r#"{{"message":"m","type":"t","code":"{code}"}}"#);
            let status = StatusCode::from_u16(status).unwrap();
            ErrorResponse::from_parts(status, &HeaderMap::new(), body.as_bytes())
        };
        assert!(matches!(
            Nested::from_error_response(&parse(404, "thing_missing")),
            Some(Nested::NotFound)
        ));
        assert!(matches!(
            Nested::from_error_response(&parse(423, "thing_locked")),
            Some(Nested::Other(o)) if matches!(*o, Outer::Locked)
        ));
        assert!(Nested::from_error_response(&parse(400, "something_else")).is_none());
        assert!(Outer::from_error_response(&parse(400, "something_else")).is_none());
    }
}

/// Two types with one name (`type_name` gives both as `…::are_walked_apart::E`): each is
/// walked as itself, not skipped as the other.
mod same_name {
    use api_error_core::catalog::ErrorCatalog;
    use api_error_core::ApiError;

    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("teapot")]
    #[api_error(status = 418, code = "leaf_teapot")]
    pub struct Leaf;

    #[test]
    fn are_walked_apart() {
        #[derive(Debug, thiserror::Error, ApiError)]
        pub enum E {
            #[error("gone")]
            #[api_error(status = 410, code = "inner_gone")]
            Gone,
            #[error(transparent)]
            #[api_error(transparent)]
            Leaf(Leaf),
        }
        type InnerE = E;
        {
            #[derive(Debug, thiserror::Error, ApiError)]
            pub enum E {
                #[error("conflict")]
                #[api_error(status = 409, code = "outer_conflict")]
                Conflict,
                #[error(transparent)]
                #[api_error(transparent)]
                Inner(InnerE),
            }
            assert_eq!(std::any::type_name::<E>(), std::any::type_name::<InnerE>());
            let codes: Vec<&str> = E::catalog().iter().map(|e| e.code).collect();
            assert_eq!(codes, ["outer_conflict", "inner_gone", "leaf_teapot"]);
        }
    }
}

/// Two variants of one code and status, one retryable: the reference lists the code once
/// and says its clients may see either (the JSON keeps the first entry's `retryable`).
#[test]
fn markdown_says_when_a_code_is_retryable_only_sometimes() {
    #[allow(dead_code)] // only its catalog is read
    #[derive(Debug, thiserror::Error, ApiError)]
    enum Busy {
        #[error("Busy")]
        #[api_error(status = 409, code = "busy", retryable = false)]
        Final,
        #[error("Busy, try again")]
        #[api_error(status = 409, code = "busy", retryable = true)]
        Retry,
        #[error("Locked")]
        #[api_error(status = 409, code = "locked")]
        Locked,
    }
    let catalog = Catalog::of::<Busy>();
    assert_eq!(catalog.len(), 2);
    let markdown = catalog.to_markdown();
    let row = |code: &str| {
        markdown
            .lines()
            .find(|l| l.starts_with(&format!("| `{code}` |")))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert!(row("busy").contains("| yes or no |"), "{markdown}");
    assert!(row("locked").contains("| no |"), "{markdown}");
    assert!(catalog.to_json().contains(r#""retryable": false"#));
}
