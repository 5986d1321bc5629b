//! Reading the `exp` claim of a JWT (RFC 7519) without verifying it: the
//! library only needs to know when to ask for a new token.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::Value;

#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    NotAJwt,
    BadBase64,
    BadJson,
    BadExp,
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JwtError::NotAJwt => "not a JWT: expected three dot-separated parts",
            JwtError::BadBase64 => "JWT body is not valid base64url",
            JwtError::BadJson => "JWT body is not a JSON object",
            JwtError::BadExp => "JWT exp claim is not a number",
        })
    }
}

const LENIENT_BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The `exp` claim of `token` in seconds since the epoch, or `None` when the
/// token has no `exp` claim.
pub fn exp(token: &str) -> Result<Option<f64>, JwtError> {
    let mut parts = token.split('.');
    let (Some(_header), Some(body), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::NotAJwt);
    };
    // Some issuers keep the padding RFC 7515 says to strip: tolerate it, and
    // non-zero trailing bits, exactly as the pure-Python twin does.
    let decoded = LENIENT_BASE64URL
        .decode(body.trim_end_matches('='))
        .map_err(|_| JwtError::BadBase64)?;
    let claims: Value = serde_json::from_slice(&decoded).map_err(|_| JwtError::BadJson)?;
    let Value::Object(claims) = claims else {
        return Err(JwtError::BadJson);
    };
    match claims.get("exp") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(JwtError::BadExp),
        Some(_) => Err(JwtError::BadExp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn token(claims: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims.as_bytes())
        )
    }

    #[test]
    fn reads_integer_exp() {
        assert_eq!(
            exp(&token(r#"{"exp":1700000000}"#)),
            Ok(Some(1_700_000_000.0))
        );
    }

    #[test]
    fn missing_exp_is_none() {
        assert_eq!(exp(&token(r#"{"sub":"x"}"#)), Ok(None));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(exp("abc"), Err(JwtError::NotAJwt));
        assert_eq!(exp("a.b.c.d"), Err(JwtError::NotAJwt));
        assert_eq!(exp("a.!!!.c"), Err(JwtError::BadBase64));
        assert_eq!(exp("a.ab+c.c"), Err(JwtError::BadBase64));
        assert_eq!(exp(&token("[1]")), Err(JwtError::BadJson));
        assert_eq!(exp(&token(r#"{"exp":"soon"}"#)), Err(JwtError::BadExp));
    }
}
