//! Presigned URLs: the signature travels in the query (`X-Amz-*` parameters) instead
//! of an `Authorization` header, for one request or for many object keys at once.

use crate::sigv4::{Error, Request, Signer, ALGORITHM, MAX_EXPIRES_IN};
use crate::sigv4_canon::{
    canonical_headers, canonical_query, canonical_uri, query_pairs, split_target, uri_encode, Pair,
    PathRules, Selection,
};
use crate::sigv4_stamp::Stamp;

fn encode_value(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16);
    uri_encode(text.as_bytes(), false, &mut out);
    out
}

/// Query parameters a presigned URL carries, before its signature.
const PRESIGN_PARAMETERS: [&[u8]; 7] = [
    b"X-Amz-Algorithm",
    b"X-Amz-Credential",
    b"X-Amz-Date",
    b"X-Amz-Expires",
    b"X-Amz-Security-Token",
    b"X-Amz-SignedHeaders",
    b"X-Amz-Signature",
];

/// The `X-Amz-*` parameters of a presigned URL (encoded, sorted), without the signature.
fn presign_pairs(
    signer: &Signer<'_>,
    stamp: &Stamp,
    expires_in: i64,
    signed_headers: &[u8],
) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = vec![
        (
            PRESIGN_PARAMETERS[0].to_vec(),
            ALGORITHM.as_bytes().to_vec(),
        ),
        (
            PRESIGN_PARAMETERS[1].to_vec(),
            encode_value(&stamp.credential),
        ),
        (
            PRESIGN_PARAMETERS[2].to_vec(),
            stamp.amz_date.as_bytes().to_vec(),
        ),
        (
            PRESIGN_PARAMETERS[3].to_vec(),
            expires_in.to_string().into_bytes(),
        ),
    ];
    if let Some(token) = signer.security_token {
        pairs.push((PRESIGN_PARAMETERS[4].to_vec(), encode_value(token)));
    }
    let mut signed = Vec::with_capacity(signed_headers.len() + 8);
    uri_encode(signed_headers, false, &mut signed);
    pairs.push((PRESIGN_PARAMETERS[5].to_vec(), signed));
    pairs
}

/// Append `name=value` pairs joined with `&`, after an `&` when `out` holds parameters.
fn push_pairs(pairs: &[Pair], out: &mut Vec<u8>, after_parameters: bool) {
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 || after_parameters {
            out.push(b'&');
        }
        out.extend_from_slice(name);
        out.push(b'=');
        out.extend_from_slice(value);
    }
}

/// The query as sent without the parameters a presigned URL sets (they are replaced).
fn query_without_presign_parameters(query: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(query.len());
    for piece in query.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let name = piece.split(|&b| b == b'=').next().unwrap_or(piece);
        if !PRESIGN_PARAMETERS.contains(&name) {
            if !out.is_empty() {
                out.push(b'&');
            }
            out.extend_from_slice(piece);
        }
    }
    out
}

/// Presigned URLs live 1 second to 7 days.
fn check_expiry(expires_in: i64) -> Result<(), Error> {
    if !(1..=MAX_EXPIRES_IN).contains(&expires_in) {
        return Err(Error::ExpiresOutOfRange(expires_in));
    }
    Ok(())
}

/// What every URL presigned at one stamp for one method, host (and other signed
/// headers) and query shares: the canonical request after its path, and the URL's
/// query up to the signature. `presign` signs one path with it, `presign_keys` many.
pub struct Presigner {
    /// `<method>\n`.
    method_line: Vec<u8>,
    path_rules: PathRules,
    /// `\n<canonical query>\n<canonical headers>\n<signed headers>\n<payload hash>`.
    tail: Vec<u8>,
    /// The query as sent (minus old presign parameters), the `X-Amz-*` parameters and
    /// `&X-Amz-Signature=`.
    url_query: Vec<u8>,
}

impl Presigner {
    /// `headers` are (name, value) pairs, signed when `selects` picks them.
    #[allow(clippy::too_many_arguments)]
    pub fn new<'h>(
        method: &str,
        headers: impl IntoIterator<Item = (&'h [u8], &'h [u8])>,
        selects: impl Fn(&[u8]) -> bool,
        query: &[u8],
        payload_hash: &str,
        signer: &Signer<'_>,
        stamp: &Stamp,
        expires_in: i64,
    ) -> Result<Self, Error> {
        check_expiry(expires_in)?;
        let mut block = Vec::with_capacity(128);
        let signed = canonical_headers(headers, selects, &mut block);
        let query = query_without_presign_parameters(query);
        let pairs = presign_pairs(signer, stamp, expires_in, &signed);
        let mut tail = Vec::with_capacity(block.len() + query.len() + 320);
        tail.push(b'\n');
        if query.is_empty() {
            // The X-Amz-* parameters are already in canonical (sorted) order.
            push_pairs(&pairs, &mut tail, false);
        } else {
            let mut all_pairs = query_pairs(&query);
            all_pairs.extend_from_slice(&pairs);
            canonical_query(&mut all_pairs, &mut tail);
        }
        tail.push(b'\n');
        tail.extend_from_slice(&block);
        tail.push(b'\n');
        tail.extend_from_slice(&signed);
        tail.push(b'\n');
        tail.extend_from_slice(payload_hash.as_bytes());
        let mut url_query = query;
        let after_parameters = !url_query.is_empty();
        push_pairs(&pairs, &mut url_query, after_parameters);
        url_query.extend_from_slice(b"&X-Amz-Signature=");
        let mut method_line = Vec::with_capacity(method.len() + 1);
        method_line.extend_from_slice(method.as_bytes());
        method_line.push(b'\n');
        Ok(Presigner {
            method_line,
            path_rules: signer.path,
            tail,
            url_query,
        })
    }

    /// Append `path?<query>&X-Amz-Signature=<signature>` to `out`, signed at `stamp`
    /// (the one this was built with); `creq` is scratch.
    pub fn sign_path(&self, stamp: &Stamp, path: &[u8], creq: &mut Vec<u8>, out: &mut Vec<u8>) {
        creq.clear();
        creq.extend_from_slice(&self.method_line);
        canonical_uri(path, self.path_rules, creq);
        creq.extend_from_slice(&self.tail);
        let signature = stamp.sign(creq);
        out.extend_from_slice(path);
        out.push(b'?');
        out.extend_from_slice(&self.url_query);
        out.extend_from_slice(signature.as_bytes());
    }
}

/// Presign `request`: its target (`path?query`) with the query as sent followed by
/// the `X-Amz-*` parameters and the signature. Headers `selection` picks are signed.
pub fn presign(
    request: &Request<'_>,
    selection: &Selection,
    payload_hash: &str,
    signer: &Signer<'_>,
    stamp: &Stamp,
    expires_in: i64,
) -> Result<Vec<u8>, Error> {
    let (path, query) = split_target(request.target);
    let presigner = Presigner::new(
        request.method,
        request.headers.iter().copied(),
        |name| selection.selects(name),
        query,
        payload_hash,
        signer,
        stamp,
        expires_in,
    )?;
    let mut target = Vec::with_capacity(path.len() + presigner.url_query.len() + 64);
    presigner.sign_path(stamp, path, &mut Vec::with_capacity(512), &mut target);
    Ok(target)
}

/// Where `presign_keys` puts the keys: `origin` (`https://host[:port]`), the `host`
/// header it signs, the path the keys are appended to, and a query for every URL.
#[derive(Debug, Clone, Copy)]
pub struct KeyBase<'a> {
    pub method: &'a str,
    pub origin: &'a str,
    pub host: &'a str,
    pub base_path: &'a [u8],
    pub base_query: &'a [u8],
}

/// Presign many object keys at once: one URL per key (`origin` + `base_path` + the
/// key percent-encoded, `/` kept), each signing the `host` header only.
pub fn presign_keys<S: AsRef<str>>(
    base: &KeyBase<'_>,
    keys: &[S],
    payload_hash: &str,
    signer: &Signer<'_>,
    stamp: &Stamp,
    expires_in: i64,
) -> Result<Vec<String>, Error> {
    let host: [(&[u8], &[u8]); 1] = [(b"host", base.host.as_bytes())];
    let presigner = Presigner::new(
        base.method,
        host,
        |_| true,
        base.base_query,
        payload_hash,
        signer,
        stamp,
        expires_in,
    )?;
    let mut base_path = base.base_path.to_vec();
    if base_path.last() != Some(&b'/') {
        base_path.push(b'/');
    }
    let mut urls = Vec::with_capacity(keys.len());
    let mut path = Vec::with_capacity(base_path.len() + 64);
    let mut creq = Vec::with_capacity(presigner.tail.len() + 128);
    let mut url = Vec::with_capacity(512);
    for key in keys {
        path.clear();
        path.extend_from_slice(&base_path);
        uri_encode(key.as_ref().as_bytes(), true, &mut path);
        url.clear();
        url.extend_from_slice(base.origin.as_bytes());
        presigner.sign_path(stamp, &path, &mut creq, &mut url);
        // ASCII but for the origin (UTF-8): the path was percent-encoded, the query
        // built from encoded parts.
        urls.push(String::from_utf8_lossy(&url).into_owned());
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::test_fixtures::*;
    use crate::sigv4::UNSIGNED_PAYLOAD;

    /// `request` presigned signing its `host`, by `signer(s3)` at the suite's time.
    fn presigned(request: &Request, payload_hash: &str, s3: bool, expires_in: i64) -> String {
        let signer = signer(s3);
        let stamp = Stamp::new(&signer, SUITE_TIME).unwrap();
        let select = Selection::parse(&["host"]);
        let target = presign(request, &select, payload_hash, &signer, &stamp, expires_in);
        String::from_utf8(target.unwrap()).unwrap()
    }

    #[test]
    fn get_vanilla_presigned() {
        let headers: [(&[u8], &[u8]); 1] = [(b"host", b"example.amazonaws.com")];
        let request = request("GET", b"/", &headers);
        let target = presigned(&request, EMPTY_SHA256, false, 3600);
        assert!(target.starts_with("/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="));
        // aws-c-auth's get-vanilla, query variant.
        assert!(target.ends_with(
            "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
        ));
    }

    #[test]
    fn presign_replaces_existing_presign_parameters() {
        let headers: [(&[u8], &[u8]); 1] = [(b"host", b"h")];
        let request = request(
            "GET",
            b"/k?a=1&X-Amz-Signature=old&X-Amz-Expires=5",
            &headers,
        );
        let target = presigned(&request, UNSIGNED_PAYLOAD, true, 60);
        assert!(target.starts_with("/k?a=1&X-Amz-Algorithm="));
        assert_eq!(target.matches("X-Amz-Signature=").count(), 1);
        assert_eq!(target.matches("X-Amz-Expires=60").count(), 1);
        assert!(!target.contains("old"));
    }

    #[test]
    fn expiry_is_bounded() {
        let headers: [(&[u8], &[u8]); 0] = [];
        let request = request("GET", b"/", &headers);
        let select = Selection::parse(&["host"]);
        let zero = Stamp::new(&signer(true), 0).unwrap();
        for bad in [0, -5, MAX_EXPIRES_IN + 1] {
            let result = presign(
                &request,
                &select,
                UNSIGNED_PAYLOAD,
                &signer(true),
                &zero,
                bad,
            );
            assert_eq!(result, Err(Error::ExpiresOutOfRange(bad)));
        }
        assert!(presign(&request, &select, UNSIGNED_PAYLOAD, &signer(true), &zero, 1).is_ok());
        assert!(presign(
            &request,
            &select,
            UNSIGNED_PAYLOAD,
            &signer(true),
            &zero,
            MAX_EXPIRES_IN
        )
        .is_ok());
    }

    #[test]
    fn presign_keys_matches_presign_of_each_url() {
        let s = signer(true);
        let base = KeyBase {
            method: "GET",
            origin: "https://bucket.s3.amazonaws.com:8443",
            host: "bucket.s3.amazonaws.com:8443",
            base_path: b"/prefix",
            base_query: b"",
        };
        let keys = ["a/b.txt", "café", "x+y=z", "a//b", "a%2Fb"];
        let stamp = Stamp::new(&s, SUITE_TIME).unwrap();
        let urls = presign_keys(&base, &keys, UNSIGNED_PAYLOAD, &s, &stamp, 900).unwrap();
        for (key, url) in keys.iter().zip(&urls) {
            let mut path = b"/prefix/".to_vec();
            uri_encode(key.as_bytes(), true, &mut path);
            let headers: [(&[u8], &[u8]); 1] = [(b"host", base.host.as_bytes())];
            let request = request("GET", &path, &headers);
            let select = Selection::parse(&["host"]);
            let one = presign(&request, &select, UNSIGNED_PAYLOAD, &s, &stamp, 900).unwrap();
            assert_eq!(
                url,
                &format!("{}{}", base.origin, String::from_utf8(one).unwrap())
            );
        }
    }
}
