use api_error_core::ApiError;

#[derive(ApiError)]
union U {
    a: u32,
    b: f32,
}

fn main() {}
