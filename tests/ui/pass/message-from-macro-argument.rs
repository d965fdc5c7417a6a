//! The derive inside a `macro_rules!`, its message literal a macro argument: the format
//! arguments keep call-site hygiene.
use api_error_core::ApiError;

macro_rules! error_enum {
    ($name:ident, $msg:literal) => {
        #[derive(Debug, thiserror::Error, ApiError)]
        pub enum $name {
            #[error("missing")]
            #[api_error(status = 404, code = "missing", message = $msg)]
            Missing { id: String },
        }
    };
}

error_enum!(Lookup, "No such thing: {id}");

fn main() {
    let e = Lookup::Missing { id: "x".into() };
    assert_eq!(e.message(), "No such thing: x");
}
