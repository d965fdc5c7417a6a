//! [`Catalog`]: several [`ErrorCatalog`] types merged into one error-code reference, rendered
//! as Markdown or JSON, and [`assert_catalog_matches`], the drift guard for tests.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CatalogEntry, ErrorCatalog, ResponseHint};

/// The environment variable that makes [`assert_catalog_matches`] (and
/// [`Catalog::assert_matches`]) rewrite the checked-in file instead of comparing with it.
/// Any value but empty or `0` turns it on:
///
/// ```text
/// API_ERROR_CATALOG_UPDATE=1 cargo test
/// ```
///
/// ```
/// use api_error_core::catalog::UPDATE_ENV;
///
/// assert_eq!(UPDATE_ENV, "API_ERROR_CATALOG_UPDATE");
/// ```
pub const UPDATE_ENV: &str = "API_ERROR_CATALOG_UPDATE";

/// The title [`Catalog::to_markdown`] uses unless [`Catalog::with_title`] sets another.
///
/// ```
/// use api_error_core::catalog::{Catalog, DEFAULT_TITLE};
///
/// assert_eq!(Catalog::new().title(), DEFAULT_TITLE);
/// ```
pub const DEFAULT_TITLE: &str = "Error reference";

/// Every error one or several [`ErrorCatalog`] types can produce: the data behind an
/// error-code reference.
///
/// Entries keep the order in which they were added (declaration order within a type, types in
/// the order of [`with`](Catalog::with)); an entry whose `code` is already present with its
/// status is skipped, so the first type to name a code describes it. (One code under two
/// statuses, which inner types behind `transparent` variants make possible, is two errors
/// and has two entries.)
///
/// ```
/// use api_error_core::catalog::{Catalog, CatalogEntry, ErrorCatalog};
///
/// struct AuthError;
/// impl ErrorCatalog for AuthError {
///     fn catalog() -> Vec<CatalogEntry> {
///         vec![CatalogEntry {
///             variant: "InvalidApiKey",
///             status: 401,
///             error_type: "authentication_error",
///             code: "invalid_api_key",
///             message: "Invalid API key provided",
///             param: None,
///             retryable: false,
///             doc: "The API key is missing, revoked or malformed.",
///         }]
///     }
/// }
///
/// let catalog = Catalog::of::<AuthError>().with::<AuthError>();
/// assert_eq!(catalog.len(), 1); // de-duplicated by code and status
/// assert!(catalog.to_markdown().contains("## 401 Unauthorized"));
/// assert!(catalog.to_json().contains(r#""code": "invalid_api_key""#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    title: String,
    entries: Vec<CatalogEntry>,
    /// What the responses of errors (code and status) carry beyond their entries, from the
    /// types added with [`with`](Catalog::with): a `param` a field gives at run time (what
    /// the Markdown shows as `{field}`), a retry delay, a static header, field errors.
    hints: Vec<((&'static str, u16), ResponseHint)>,
    /// Entries left out as repeats of a code and status, whose retryability differs from
    /// the listed entry's: what a response documents as the values of `x-should-retry`.
    retry_also: Vec<CatalogEntry>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

impl Catalog {
    /// An empty catalog titled [`DEFAULT_TITLE`].
    ///
    /// ```
    /// let catalog = api_error_core::catalog::Catalog::new();
    /// assert!(catalog.is_empty());
    /// ```
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::new().with::<PaymentError>();
    /// assert_eq!(catalog.len(), 2);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Catalog {
            title: DEFAULT_TITLE.to_owned(),
            entries: Vec::new(),
            hints: Vec::new(),
            retry_also: Vec::new(),
        }
    }

    /// The catalog of one type.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::of::<PaymentError>();
    /// assert!(catalog.get("rate_limited").is_some());
    /// ```
    pub fn of<T: ErrorCatalog + ?Sized>() -> Self {
        Catalog::new().with::<T>()
    }

    /// Adds the entries of `T` whose codes are not in the catalog yet (with their status).
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::of::<PaymentError>().with::<InvalidApiKey>();
    /// let codes: Vec<&str> = catalog.entries().iter().map(|e| e.code).collect();
    /// assert_eq!(codes, ["resource_missing", "rate_limited", "invalid_api_key"]);
    /// ```
    #[must_use]
    pub fn with<T: ErrorCatalog + ?Sized>(mut self) -> Self {
        let before = self.entries.len();
        self.extend(T::catalog());
        let mut hints = Vec::new();
        <T as ErrorCatalog>::response_hints(&mut hints);
        for (code, hint) in hints {
            // A hint names a code: it is the error's only when `T` added exactly one error
            // of that code (one code under two statuses is two errors, and an error another
            // type added first is that type's).
            let added = self.entries.get(before..).unwrap_or_default();
            let mut of_code = added.iter().filter(|e| e.code == code);
            if let (Some(entry), None) = (of_code.next(), of_code.next()) {
                self.hints.push(((code, entry.status), hint));
            }
        }
        self
    }

    /// Adds the given entries whose codes are not in the catalog yet, with their status (for hand-made entries
    /// or catalogs computed elsewhere).
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// use api_error_core::ErrorCatalog;
    ///
    /// let catalog = Catalog::new().with_entries(InvalidApiKey::catalog());
    /// assert_eq!(catalog.len(), 1);
    /// ```
    #[must_use]
    pub fn with_entries(mut self, entries: impl IntoIterator<Item = CatalogEntry>) -> Self {
        self.extend(entries);
        self
    }

    /// Sets the Markdown title (the `#` heading of [`to_markdown`](Catalog::to_markdown)).
    ///
    /// ```
    /// use api_error_core::catalog::Catalog;
    /// let md = Catalog::new().with_title("Payments API errors").to_markdown();
    /// assert!(md.starts_with("# Payments API errors\n"));
    /// ```
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The Markdown title.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::of::<PaymentError>().with_title("Payments API errors");
    /// assert_eq!(catalog.title(), "Payments API errors");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The entries, in catalog order.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::of::<PaymentError>();
    /// assert_eq!(catalog.entries()[0].doc, "No customer has this id.");
    /// ```
    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The entries, in catalog order.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let entries = Catalog::of::<PaymentError>().into_entries();
    /// assert_eq!(entries[1].status, 429);
    /// ```
    pub fn into_entries(self) -> Vec<CatalogEntry> {
        self.entries
    }

    /// The first entry with this code, if any (a code can be listed under two statuses).
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::of::<PaymentError>();
    /// assert_eq!(catalog.get("resource_missing").map(|e| e.status), Some(404));
    /// assert!(catalog.get("nope").is_none());
    /// ```
    pub fn get(&self, code: &str) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| e.code == code)
    }

    /// The number of entries (distinct codes, or codes with distinct statuses).
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// assert_eq!(Catalog::of::<PaymentError>().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// assert!(Catalog::new().is_empty());
    /// assert!(!Catalog::of::<InvalidApiKey>().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries grouped by status, ascending; catalog order within a status.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Invalid API key")]
    /// #[api_error(status = 401, code = "invalid_api_key")]
    /// struct InvalidApiKey;
    ///
    /// let catalog = Catalog::of::<PaymentError>().with::<InvalidApiKey>();
    /// let statuses: Vec<u16> = catalog.by_status().into_keys().collect();
    /// assert_eq!(statuses, [401, 404, 429]);
    /// ```
    pub fn by_status(&self) -> BTreeMap<u16, Vec<&CatalogEntry>> {
        let mut groups: BTreeMap<u16, Vec<&CatalogEntry>> = BTreeMap::new();
        for entry in &self.entries {
            groups.entry(entry.status).or_default().push(entry);
        }
        groups
    }

    /// Renders the error-code reference as Markdown (CommonMark with GitHub tables):
    ///
    /// ```text
    /// # Error reference
    ///
    /// ## 401 Unauthorized
    ///
    /// | Code | Type | Message | Param | Retryable | Description |
    /// | --- | --- | --- | --- | --- | --- |
    /// | `invalid_api_key` | `authentication_error` | Invalid API key provided |  | no | The API key is missing, revoked or malformed. |
    /// ```
    ///
    /// One `##` section per status in ascending order, headed by the status and its reason
    /// phrase; one row per code in catalog order. `Code`, `Type` and `Param` are code spans,
    /// `Param` is the entry's static param, or `{field}` when a field of a type added with
    /// [`with`](Catalog::with) gives it at run time (as `Message` shows `{field}` in its
    /// template), else empty; `Retryable` is `yes` or `no`, and
    /// `Description` is the variant's doc comment (Markdown, as written). `Message` shows the
    /// message as clients get it, plain text: the characters Markdown would read as markup
    /// (`*`, `_`, `<`, `` ` ``, `\`, ...) are backslash-escaped. In every cell `|` is escaped
    /// as `\|`; line
    /// breaks follow Markdown, as doc comments do: a single line break is a space, a blank line
    /// becomes `<br><br>`, and a list item starts on a new line (`<br>`). The text ends with
    /// one newline.
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    /// }
    ///
    /// let markdown = Catalog::of::<PaymentError>().to_markdown();
    /// assert!(markdown.starts_with("# Error reference\n"));
    /// assert!(markdown.contains("## 404 Not Found"));
    /// assert!(markdown.contains("| `resource_missing` |"));
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# ");
        out.push_str(&single_line(&self.title));
        out.push('\n');
        for (status, entries) in self.by_status() {
            out.push_str("\n## ");
            // Writing to a String cannot fail.
            let _ = write!(out, "{status}");
            if let Some(reason) = reason(status) {
                out.push(' ');
                out.push_str(reason);
            }
            out.push_str("\n\n| Code | Type | Message | Param | Retryable | Description |\n");
            out.push_str("| --- | --- | --- | --- | --- | --- |\n");
            for e in entries {
                out.push_str("| ");
                out.push_str(&code_span(e.code));
                out.push_str(" | ");
                out.push_str(&code_span(e.error_type));
                out.push_str(" | ");
                out.push_str(&cell(&plain_text(e.message)));
                out.push_str(" | ");
                let param = match (e.param, self.field_param(e.code, e.status)) {
                    (Some(param), _) => code_span(param),
                    (None, Some(field)) => code_span(&format!("{{{field}}}")),
                    (None, None) => String::new(),
                };
                out.push_str(&param);
                out.push_str(" | ");
                // Another error of this code and status that is retryable the other way
                // (two variants of one code may differ): its clients see both.
                let both = self
                    .retry_also
                    .iter()
                    .any(|r| (r.code, r.status) == (e.code, e.status));
                out.push_str(match (both, e.retryable) {
                    (true, _) => "yes or no",
                    (false, true) => "yes",
                    (false, false) => "no",
                });
                out.push_str(" | ");
                out.push_str(&cell(e.doc));
                out.push_str(" |\n");
            }
        }
        out
    }

    /// Renders the catalog as pretty-printed JSON: an array of objects, one per entry in
    /// catalog order, with exactly these keys in this order:
    ///
    /// | key | JSON type | from [`CatalogEntry`] |
    /// |---|---|---|
    /// | `variant` | string | `variant` |
    /// | `status` | number | `status` |
    /// | `type` | string | `error_type` |
    /// | `code` | string | `code` |
    /// | `message` | string | `message` (the public template) |
    /// | `param` | string or null | `param` |
    /// | `retryable` | boolean | `retryable` |
    /// | `doc` | string (empty when none) | `doc` |
    ///
    /// No trailing newline. An empty catalog renders as `[]`.
    ///
    /// ```
    /// use api_error_core::catalog::{Catalog, CatalogEntry};
    /// let catalog = Catalog::new().with_entries([CatalogEntry {
    ///     variant: "RateLimited",
    ///     status: 429,
    ///     error_type: "rate_limit_error",
    ///     code: "rate_limited",
    ///     message: "Too many requests",
    ///     param: None,
    ///     retryable: true,
    ///     doc: "",
    /// }]);
    /// let value: serde_json::Value = serde_json::from_str(&catalog.to_json()).unwrap();
    /// assert_eq!(value[0]["type"], "rate_limit_error");
    /// assert_eq!(value[0]["param"], serde_json::Value::Null);
    /// ```
    pub fn to_json(&self) -> String {
        let entries: Vec<JsonEntry<'_>> = self.entries.iter().map(JsonEntry::from).collect();
        // Serializing strings, numbers and booleans cannot fail; fall back to an empty array
        // rather than panic.
        serde_json::to_string_pretty(&entries).unwrap_or_else(|_| String::from("[]"))
    }

    /// Compares the catalog with the JSON file at `path` (relative paths are relative to the
    /// current directory, which `cargo test` sets to the package root) and panics with a
    /// readable diff when they differ. See [`assert_catalog_matches`].
    ///
    /// ```
    /// use api_error_core::{catalog::Catalog, ApiError};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    /// }
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Your API key has expired")]
    /// #[api_error(status = 401, code = "api_key_expired")]
    /// struct AuthError;
    ///
    /// // One reference for the whole API (in a test: `tests/catalog/errors.json`).
    /// let catalog = Catalog::of::<PaymentError>().with::<AuthError>();
    /// let path = std::env::temp_dir().join(format!("api-error-doc-{}.json", std::process::id()));
    /// std::fs::write(&path, catalog.to_json()).unwrap();
    /// catalog.assert_matches(&path); // passes: the file is what the catalog says
    /// # std::fs::remove_file(&path).ok();
    /// ```
    ///
    /// # Panics
    ///
    /// This is a test helper: panicking is how it fails the test. It panics when the file is
    /// missing or unreadable, is not a catalog JSON, or differs from the catalog; and, in
    /// update mode, when the file cannot be written.
    #[track_caller]
    #[allow(clippy::panic)] // a test assertion: failing is its job
    pub fn assert_matches(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        if update_requested() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                if let Err(e) = std::fs::create_dir_all(parent) {
                    panic!("cannot create {}: {e}", parent.display());
                }
            }
            let mut json = self.to_json();
            json.push('\n');
            if let Err(e) = std::fs::write(path, json) {
                panic!("cannot write the error catalog to {}: {e}", path.display());
            }
            return;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => panic!(
                "cannot read the checked-in error catalog {} ({e}).\n\
                 To create it, run the test with {UPDATE_ENV}=1, e.g. `{UPDATE_ENV}=1 cargo test`, \
                 and commit the file.",
                path.display()
            ),
        };
        let expected: Vec<OwnedEntry> = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => panic!(
                "{} is not an error catalog JSON file ({e}).\n\
                 To regenerate it, run the test with {UPDATE_ENV}=1, e.g. `{UPDATE_ENV}=1 cargo test`.",
                path.display()
            ),
        };
        let actual: Vec<OwnedEntry> = self.entries.iter().map(OwnedEntry::from).collect();
        if expected == actual {
            return;
        }
        panic!(
            "the error catalog differs from {}:\n\n{}\n\
             If this change to the public error contract is intended, run the test with \
             {UPDATE_ENV}=1 (e.g. `{UPDATE_ENV}=1 cargo test`) and commit the updated file.",
            path.display(),
            diff(&expected, &actual)
        );
    }
}

impl Catalog {
    /// The field that gives the `param` of the error with this code and status, if one does.
    fn field_param(&self, code: &str, status: u16) -> Option<&'static str> {
        self.hints.iter().find_map(|&((c, s), hint)| match hint {
            ResponseHint::Param(field) if c == code && s == status => Some(field),
            _ => None,
        })
    }

    /// The entries as responses document them: each listed entry, then a repeat of a code
    /// and status for each other retryability its errors have (the examples and codes come
    /// from the first; `x-should-retry` lists every value).
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn documented_entries(&self) -> std::borrow::Cow<'_, [CatalogEntry]> {
        if self.retry_also.is_empty() {
            return std::borrow::Cow::Borrowed(&self.entries);
        }
        std::borrow::Cow::Owned(
            self.entries
                .iter()
                .chain(&self.retry_also)
                .cloned()
                .collect(),
        )
    }

    /// The hints of the types added with [`with`](Catalog::with), by code, for OpenAPI
    /// responses: those of codes the catalog has one error of (a code under two statuses
    /// would not say which error a hint is of).
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn response_hints(&self) -> Vec<(&'static str, ResponseHint)> {
        self.hints
            .iter()
            .filter(|((code, _), _)| self.entries.iter().filter(|e| e.code == *code).count() == 1)
            .map(|&((code, _), hint)| (code, hint))
            .collect()
    }
}

impl Extend<CatalogEntry> for Catalog {
    /// Adds the entries whose codes are not in the catalog yet with their status (a code
    /// under another status, which `transparent` variants make possible, is another error).
    fn extend<I: IntoIterator<Item = CatalogEntry>>(&mut self, iter: I) {
        let mut seen: HashSet<(&'static str, u16)> =
            self.entries.iter().map(|e| (e.code, e.status)).collect();
        for entry in iter {
            if seen.insert((entry.code, entry.status)) {
                self.entries.push(entry);
            } else if !self.entries.iter().chain(&self.retry_also).any(|e| {
                (e.code, e.status, e.retryable) == (entry.code, entry.status, entry.retryable)
            }) {
                self.retry_also.push(entry);
            }
        }
    }
}

impl FromIterator<CatalogEntry> for Catalog {
    fn from_iter<I: IntoIterator<Item = CatalogEntry>>(iter: I) -> Self {
        Catalog::new().with_entries(iter)
    }
}

/// Compares the catalog of `T` with the JSON file at `path` and panics with a readable diff —
/// codes added, codes removed, and codes whose status, type, message, param, retryable (or
/// variant and doc) changed — when they differ, so a change to the public error contract
/// always shows up as a reviewed change to a checked-in file.
///
/// With the environment variable [`UPDATE_ENV`] (`API_ERROR_CATALOG_UPDATE`) set to `1`, the
/// file (and its directory) is written from the current catalog instead, and the check passes.
/// A missing file fails with a message saying to do that. The file holds
/// [`Catalog::to_json`]; it is compared as JSON, so formatting does not matter, but entry
/// order does. Relative paths are relative to the current directory, which `cargo test` sets
/// to the package root.
///
/// ```no_run
/// # use api_error_core::catalog::{CatalogEntry, ErrorCatalog};
/// # struct PaymentError;
/// # impl ErrorCatalog for PaymentError { fn catalog() -> Vec<CatalogEntry> { Vec::new() } }
/// #[test]
/// fn payment_errors_are_unchanged() {
///     api_error_core::catalog::assert_catalog_matches::<PaymentError>("tests/catalog/payment.json");
/// }
/// ```
///
/// To check several types as one reference, use [`Catalog::assert_matches`].
///
/// # Panics
///
/// This is a test helper: panicking is how it fails the test. It panics when the file is
/// missing or unreadable, is not a catalog JSON, or differs from the catalog; and, in update
/// mode, when the file cannot be written.
#[track_caller]
pub fn assert_catalog_matches<T: ErrorCatalog + ?Sized>(path: impl AsRef<Path>) {
    Catalog::of::<T>().assert_matches(path);
}

fn update_requested() -> bool {
    std::env::var_os(UPDATE_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// One entry as written in the JSON (see [`Catalog::to_json`] for the field names).
#[derive(Serialize)]
struct JsonEntry<'a> {
    variant: &'a str,
    status: u16,
    r#type: &'a str,
    code: &'a str,
    message: &'a str,
    param: Option<&'a str>,
    retryable: bool,
    doc: &'a str,
}

impl<'a> From<&'a CatalogEntry> for JsonEntry<'a> {
    fn from(e: &'a CatalogEntry) -> Self {
        JsonEntry {
            variant: e.variant,
            status: e.status,
            r#type: e.error_type,
            code: e.code,
            message: e.message,
            param: e.param,
            retryable: e.retryable,
            doc: e.doc,
        }
    }
}

/// One entry as read back from a checked-in file.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
struct OwnedEntry {
    #[serde(default)]
    variant: String,
    status: u16,
    r#type: String,
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    param: Option<String>,
    retryable: bool,
    #[serde(default)]
    doc: String,
}

impl From<&CatalogEntry> for OwnedEntry {
    fn from(e: &CatalogEntry) -> Self {
        OwnedEntry {
            variant: e.variant.to_owned(),
            status: e.status,
            r#type: e.error_type.to_owned(),
            code: e.code.to_owned(),
            message: e.message.to_owned(),
            param: e.param.map(str::to_owned),
            retryable: e.retryable,
            doc: e.doc.to_owned(),
        }
    }
}

/// A readable diff of two catalogs, keyed by code (by code and status for a code that one
/// of them lists under several statuses, which `transparent` variants make possible).
fn diff(expected: &[OwnedEntry], actual: &[OwnedEntry]) -> String {
    let mut several = codes_under_several_statuses(expected);
    several.extend(codes_under_several_statuses(actual));
    let key = |e: &OwnedEntry| -> String {
        if several.contains(e.code.as_str()) {
            format!("{} ({})", e.code, e.status)
        } else {
            e.code.clone()
        }
    };
    let old: HashMap<String, &OwnedEntry> = expected.iter().map(|e| (key(e), e)).collect();
    let new: HashMap<String, &OwnedEntry> = actual.iter().map(|e| (key(e), e)).collect();
    let mut out = String::new();

    let added: Vec<&OwnedEntry> = actual
        .iter()
        .filter(|e| !old.contains_key(&key(e)))
        .collect();
    if !added.is_empty() {
        out.push_str("codes added:\n");
        for e in added {
            let _ = writeln!(
                out,
                "  + {} (status {}, type {}, message {:?})",
                e.code, e.status, e.r#type, e.message
            );
        }
    }

    let removed: Vec<&OwnedEntry> = expected
        .iter()
        .filter(|e| !new.contains_key(&key(e)))
        .collect();
    if !removed.is_empty() {
        out.push_str("codes removed:\n");
        for e in removed {
            let _ = writeln!(
                out,
                "  - {} (status {}, type {})",
                e.code, e.status, e.r#type
            );
        }
    }

    let mut changed = String::new();
    for e in actual {
        let Some(o) = old.get(&key(e)) else {
            continue;
        };
        let mut fields = Vec::new();
        if o.status != e.status {
            fields.push(format!("status {} -> {}", o.status, e.status));
        }
        if o.r#type != e.r#type {
            fields.push(format!("type {} -> {}", o.r#type, e.r#type));
        }
        if o.message != e.message {
            fields.push(format!("message {:?} -> {:?}", o.message, e.message));
        }
        if o.param != e.param {
            fields.push(format!(
                "param {} -> {}",
                show_param(o.param.as_deref()),
                show_param(e.param.as_deref())
            ));
        }
        if o.retryable != e.retryable {
            fields.push(format!("retryable {} -> {}", o.retryable, e.retryable));
        }
        if o.variant != e.variant {
            fields.push(format!("variant {} -> {}", o.variant, e.variant));
        }
        if o.doc != e.doc {
            fields.push(format!("doc {:?} -> {:?}", o.doc, e.doc));
        }
        if !fields.is_empty() {
            let _ = writeln!(changed, "  ~ {}: {}", key(e), fields.join("; "));
        }
    }
    if !changed.is_empty() {
        out.push_str("codes changed:\n");
        out.push_str(&changed);
    }

    if out.is_empty() {
        out.push_str("the same entries, in a different order (or a code listed twice)\n");
    }
    out
}

/// The codes `entries` lists under more than one status.
fn codes_under_several_statuses(entries: &[OwnedEntry]) -> HashSet<&str> {
    let mut first: HashMap<&str, u16> = HashMap::new();
    let mut several = HashSet::new();
    for e in entries {
        if *first.entry(e.code.as_str()).or_insert(e.status) != e.status {
            several.insert(e.code.as_str());
        }
    }
    several
}

fn show_param(p: Option<&str>) -> String {
    match p {
        Some(p) => format!("{p:?}"),
        None => String::from("null"),
    }
}

/// The reason phrase of a status, if it has one.
fn reason(status: u16) -> Option<&'static str> {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
}

/// Escapes a table cell: `|` as `\|`; line breaks follow Markdown, as in doc comments: a
/// single line break inside a paragraph is a space, a blank line (a new paragraph) becomes
/// `<br><br>`, and a line starting a list item (`- `, `* `, `+ `, `1. `) gets its own `<br>`.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.trim().lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            if blank {
                out.push_str("<br><br>");
            } else if starts_list_item(line) {
                out.push_str("<br>");
            } else {
                out.push(' ');
            }
        }
        blank = false;
        for c in line.chars() {
            match c {
                '|' => out.push_str("\\|"),
                '\r' => {}
                c => out.push(c),
            }
        }
    }
    out
}

/// A message as Markdown that shows it as sent: clients get it as plain text, so every
/// character Markdown would read as markup (`*emphasis*`, `<tag>`, `\`, `` ` ``, ...) is
/// backslash-escaped (CommonMark escapes any ASCII punctuation this way); `|` is left to
/// [`cell`].
fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether a line starts a Markdown list item.
fn starts_list_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(line.as_bytes().get(digits..digits + 2), Some(b". " | b") "))
}

/// A table cell holding a code span (`|` still escaped, as GitHub tables require).
fn code_span(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let inner = cell(text);
    // A code span must be fenced by more backticks than it contains in a row.
    let longest = inner.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if inner.starts_with('`') || inner.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{inner}{pad}{fence}")
}

/// The title on one line.
fn single_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
