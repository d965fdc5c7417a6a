//! The attribute keys, as named constants, and where each one is allowed.

pub const API_ERROR: &str = "api_error";
pub const STATUS: &str = "status";
pub const TYPE: &str = "type";
pub const CODE: &str = "code";
pub const MESSAGE: &str = "message";
pub const PARAM: &str = "param";
pub const RETRYABLE: &str = "retryable";
pub const TRANSPARENT: &str = "transparent";
pub const EXPOSE: &str = "expose";
pub const RETRY_AFTER: &str = "retry_after";
pub const NO_INTEGRATIONS: &str = "no_integrations";
pub const HEADER: &str = "header";
pub const FIELD_ERRORS: &str = "field_errors";

/// Every key, wherever it is allowed.
pub const ALL: &[&str] = &[
    STATUS,
    TYPE,
    CODE,
    MESSAGE,
    PARAM,
    RETRYABLE,
    TRANSPARENT,
    EXPOSE,
    HEADER,
    NO_INTEGRATIONS,
    RETRY_AFTER,
    FIELD_ERRORS,
];

/// The keys of a variant.
const VARIANT_KEYS: &[&str] = &[
    STATUS,
    TYPE,
    CODE,
    MESSAGE,
    PARAM,
    RETRYABLE,
    TRANSPARENT,
    EXPOSE,
    HEADER,
];

/// The keys of a struct: its own single variant's, and the container-only ones.
const STRUCT_KEYS: &[&str] = &[
    STATUS,
    TYPE,
    CODE,
    MESSAGE,
    PARAM,
    RETRYABLE,
    TRANSPARENT,
    EXPOSE,
    HEADER,
    NO_INTEGRATIONS,
];

/// Where an `#[api_error(...)]` attribute sits; decides which keys it accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// On an enum: defaults for every variant.
    Enum,
    /// On a struct: the struct is its own single variant.
    Struct,
    /// On an enum variant.
    Variant,
    /// On a field.
    Field,
}

impl Position {
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Position::Enum => &[STATUS, TYPE, MESSAGE, RETRYABLE, HEADER, NO_INTEGRATIONS],
            Position::Struct => STRUCT_KEYS,
            Position::Variant => VARIANT_KEYS,
            Position::Field => &[PARAM, RETRY_AFTER, FIELD_ERRORS],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Position::Enum => "an enum",
            Position::Struct => "a struct",
            Position::Variant => "a variant",
            Position::Field => "a field",
        }
    }
}
