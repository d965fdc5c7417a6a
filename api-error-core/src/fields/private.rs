//! What generated code needs for `#[api_error(field_errors)]` (re-exported through
//! `__private`). Not public API.

use super::FieldError;
use super::FieldErrors;
use crate::__private::ParamValue;

/// Field types accepted by `#[api_error(field_errors)]`.
#[diagnostic::on_unimplemented(
    message = "`#[api_error(field_errors)]` needs an `api_error_core::FieldErrors` or a `Vec<api_error_core::FieldError>`, not `{Self}`",
    label = "unsupported type for field_errors",
    note = "change the field to `api_error_core::FieldErrors` (or `Vec<api_error_core::FieldError>`), converting from your validation library with `.into()`"
)]
pub trait FieldErrorsField {
    /// The field errors the field holds.
    fn field_errors(&self) -> &[FieldError];

    /// The field rebuilt from a received body's field errors (typed client parsing).
    fn from_field_errors(errors: &[FieldError]) -> Self;
}

impl FieldErrorsField for FieldErrors {
    #[inline]
    fn field_errors(&self) -> &[FieldError] {
        self.as_slice()
    }

    fn from_field_errors(errors: &[FieldError]) -> Self {
        FieldErrors::from(errors.to_vec())
    }
}

impl FieldErrorsField for Vec<FieldError> {
    #[inline]
    fn field_errors(&self) -> &[FieldError] {
        self
    }

    fn from_field_errors(errors: &[FieldError]) -> Self {
        errors.to_vec()
    }
}

/// The param a variant takes from its field errors: the first one's (`None` if it is empty).
#[inline]
pub fn errors_param(errors: &[FieldError]) -> Option<ParamValue<'_>> {
    super::first_param(errors).map(ParamValue::Str)
}
