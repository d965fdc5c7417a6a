//! A payments-style API on actix-web with `ApiErrorMiddleware`:
//! `cargo run --example actix_server`, then try the printed curl lines.

#[path = "support/mod.rs"]
mod support;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use api_error_core::actix::{ApiErrorMiddleware, RequestId};
use api_error_tests::payments::PaymentError;
use support::{ListParams, NewCharge};

const ADDR: &str = "127.0.0.1:3001";

async fn customer(id: web::Path<String>) -> Result<HttpResponse, PaymentError> {
    support::customer(id.into_inner()).map(|v| HttpResponse::Ok().json(v))
}

async fn charge(
    request_id: RequestId,
    req: HttpRequest,
    c: web::Json<NewCharge>,
) -> Result<HttpResponse, PaymentError> {
    let headers = req.headers();
    let authorized = headers.contains_key("authorization");
    let key = headers.get("idempotency-key").map(|k| k.as_bytes());
    support::charge(&c, authorized, key, request_id.as_str()).map(|v| HttpResponse::Ok().json(v))
}

async fn list(p: web::Query<ListParams>) -> HttpResponse {
    HttpResponse::Ok().json(support::list(&p))
}

async fn rate_limited() -> Result<HttpResponse, PaymentError> {
    Err(support::rate_limited())
}

async fn database() -> Result<HttpResponse, PaymentError> {
    Err(support::database())
}

async fn expired_key() -> Result<HttpResponse, PaymentError> {
    Err(support::expired_key())
}

async fn panics() -> HttpResponse {
    support::panics()
}

fn main() -> std::io::Result<()> {
    support::init_logging();
    actix_web::rt::System::new().block_on(async {
        let server = HttpServer::new(|| {
            App::new()
                .wrap(ApiErrorMiddleware::new())
                .route("/v1/customers/{id}", web::get().to(customer))
                .service(
                    web::resource("/v1/charges")
                        .route(web::post().to(charge))
                        .route(web::get().to(list)),
                )
                .route("/v1/rate_limited", web::get().to(rate_limited))
                .route("/v1/database", web::get().to(database))
                .route("/v1/expired_key", web::get().to(expired_key))
                .route("/v1/panic", web::get().to(panics))
        })
        .workers(2)
        .bind(ADDR)?;
        support::print_banner("actix_server", ADDR);
        server.run().await
    })
}
