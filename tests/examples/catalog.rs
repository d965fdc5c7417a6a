//! Prints the error-code reference of an example payments API, generated from its error enums.
//!
//! ```text
//! cargo run --example catalog            # Markdown
//! cargo run --example catalog -- --json  # JSON
//! ```

use api_error_core::catalog::Catalog;

use api_error_tests::payments::PaymentError;

fn main() {
    let catalog = Catalog::of::<PaymentError>().with_title("Payments API errors");
    if std::env::args().skip(1).any(|arg| arg == "--json") {
        println!("{}", catalog.to_json());
    } else {
        print!("{}", catalog.to_markdown());
    }
}
