//! Field errors from validation on axum: `cargo run -p api-error-tests --example validation`,
//! then try the printed curl lines. One request with four mistakes gets one 422 that lists
//! all four, each tied to its input.
//!
//! - `POST /v1/signup` validates a JSON body with validator (`Valid<Json<Signup>>`);
//! - `GET /v1/search` validates a query string with garde (`Garde<Query<Search>>`);
//! - the handler adds a check of its own (a taken email) through the same error enum.

use api_error_core::axum::{ApiErrorLayer, Garde, Valid};
use api_error_core::{ApiError, FieldError, FieldErrors};
use axum::extract::Query;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use validator::Validate;

#[derive(Debug, Deserialize, Validate)]
struct Signup {
    #[validate(length(min = 2, max = 50))]
    name: String,
    #[validate(email)]
    email: String,
    #[validate(length(
        min = 8,
        message = "must be at least 8 characters long; try a passphrase"
    ))]
    password: String,
    #[validate(range(min = 18))]
    age: u32,
    #[validate(nested)]
    address: Address,
}

#[derive(Debug, Deserialize, Validate)]
struct Address {
    #[validate(length(min = 2))]
    city: String,
    #[validate(length(equal = 2))]
    country: String,
}

#[derive(Debug, Deserialize, garde::Validate)]
struct Search {
    #[garde(length(min = 1, max = 100))]
    q: String,
    #[garde(range(min = 1, max = 100))]
    limit: u32,
}

#[derive(Debug, thiserror::Error, ApiError)]
enum SignupError {
    /// Someone already signed up with this email address.
    #[error("This email address is already registered")]
    #[api_error(status = 409, code = "email_taken", param = "email")]
    EmailTaken,

    /// One or more inputs are invalid; `errors` lists each.
    #[error(transparent)]
    #[api_error(transparent)]
    Invalid(#[from] FieldErrors),
}

async fn signup(Valid(Json(form)): Valid<Json<Signup>>) -> Result<Json<Value>, SignupError> {
    // Rules validator cannot know, reported the same way.
    if form.name.eq_ignore_ascii_case("admin") {
        let reserved = FieldError::new("name", "reserved", "is reserved; pick another name");
        return Err(FieldErrors::from(reserved).into());
    }
    if form.email == "taken@example.com" {
        return Err(SignupError::EmailTaken);
    }
    Ok(Json(json!({ "id": "usr_1", "name": form.name })))
}

async fn search(Garde(Query(s)): Garde<Query<Search>>) -> Json<Value> {
    Json(json!({ "q": s.q, "limit": s.limit, "results": [] }))
}

fn app() -> Router {
    Router::new()
        .route("/v1/signup", post(signup))
        .route("/v1/search", get(search))
        .layer(ApiErrorLayer::new())
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("validation example listening on http://{addr}; try:\n");
        let json = "-H 'content-type: application/json'";
        for (what, line) in [
            (
                "four mistakes, one answer listing all four (422)",
                format!(
                    r#"curl -s {json} -d '{{"name":"J","email":"nope","password":"hunter2","age":30,"address":{{"city":"X","country":"FR"}}}}' http://{addr}/v1/signup"#
                ),
            ),
            (
                "valid",
                format!(
                    r#"curl -s {json} -d '{{"name":"Jenny","email":"jenny@example.com","password":"correct horse","age":30,"address":{{"city":"Paris","country":"FR"}}}}' http://{addr}/v1/signup"#
                ),
            ),
            (
                "a check of the handler's own (422, code reserved)",
                format!(
                    r#"curl -s {json} -d '{{"name":"admin","email":"a@example.com","password":"correct horse","age":30,"address":{{"city":"Paris","country":"FR"}}}}' http://{addr}/v1/signup"#
                ),
            ),
            (
                "malformed JSON: answered as before (400 invalid_json)",
                format!(r#"curl -s {json} -d '{{"name":' http://{addr}/v1/signup"#),
            ),
            (
                "a query string validated with garde (422)",
                format!("curl -s 'http://{addr}/v1/search?q=&limit=500'"),
            ),
        ] {
            println!("# {what}\n{line}\n");
        }
        axum::serve(listener, app()).await
    })
}
