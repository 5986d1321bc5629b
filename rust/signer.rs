//! A SigV4 signer built once and used for every request: credentials, region,
//! service, path rules and the parsed header selection, plus the stamp (date, scope,
//! keyed HMAC) of the last second it signed in.
//!
//! Pure: the signing time is an argument (seconds since the epoch).

use std::sync::{Arc, Mutex};

use crate::sigv4::{Error, Request, Signer};
use crate::sigv4_canon::{split_target, PathRules, Selection};
use crate::sigv4_headers::{sign_headers, AddedHeaders};
use crate::sigv4_presign::{presign, presign_keys, KeyBase, Presigner};
use crate::sigv4_stamp::Stamp;
use crate::url::split_plain;

/// Who signs: an access key id, its secret and an optional session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_id: String,
    pub secret_key: String,
    pub security_token: Option<String>,
}

/// The access key id only: the secret key and session token never reach a log or a panic.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = self.security_token.as_ref().map(|_| "<hidden>");
        f.debug_struct("Credentials")
            .field("access_id", &self.access_id)
            .field("secret_key", &"<hidden>")
            .field("security_token", &token)
            .finish()
    }
}

/// What never changes for a signer, whoever signs.
#[derive(Debug)]
pub struct Scope {
    pub region: String,
    pub service: String,
    pub path: PathRules,
    /// The request headers signed (besides those the signature adds).
    pub selection: Selection,
    /// Whether header signatures send `x-amz-content-sha256`.
    pub content_sha256: bool,
}

/// What a presigned URL that signs only `host` shares with the next one presigned
/// in the same second for the same method, host, query, payload and expiry.
struct PresignedLast {
    stamp: Arc<Stamp>,
    method: String,
    host: String,
    query: Vec<u8>,
    payload_hash: String,
    expires_in: i64,
    presigner: Arc<Presigner>,
}

/// Byte equality of short texts, inline: four calls to `memcmp` cost more than the
/// bytes they compare on this hot path (a presigner reused).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Credentials bound to a scope, with the stamp of the last second signed in.
pub struct OwnedSigner {
    credentials: Credentials,
    scope: Arc<Scope>,
    stamp: Mutex<Option<Arc<Stamp>>>,
    presigned: Mutex<Option<PresignedLast>>,
}

impl OwnedSigner {
    pub fn new(credentials: Credentials, scope: Scope) -> Self {
        Self::bound(credentials, Arc::new(scope))
    }

    fn bound(credentials: Credentials, scope: Arc<Scope>) -> Self {
        OwnedSigner {
            credentials,
            scope,
            stamp: Mutex::new(None),
            presigned: Mutex::new(None),
        }
    }

    /// The same scope signed with other credentials (a provider's newer ones).
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        Self::bound(credentials, Arc::clone(&self.scope))
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    fn view(&self) -> Signer<'_> {
        Signer {
            access_id: &self.credentials.access_id,
            secret_key: &self.credentials.secret_key,
            security_token: self.credentials.security_token.as_deref(),
            region: &self.scope.region,
            service: &self.scope.service,
            path: self.scope.path,
        }
    }

    /// The stamp of `timestamp`: the cached one within the same second.
    pub fn stamp(&self, timestamp: i64) -> Result<Arc<Stamp>, Error> {
        // A poisoned lock only means a panic elsewhere; the cached stamp is whole.
        let mut cached = self.stamp.lock().unwrap_or_else(|p| p.into_inner());
        let stamp = match cached.as_ref() {
            Some(stamp) if stamp.timestamp == timestamp => return Ok(Arc::clone(stamp)),
            Some(stamp) => Arc::new(stamp.at(&self.view(), timestamp)?),
            None => Arc::new(Stamp::new(&self.view(), timestamp)?),
        };
        *cached = Some(Arc::clone(&stamp));
        Ok(stamp)
    }

    /// The headers a header signature of `request` sets.
    pub fn sign_headers<'a>(
        &'a self,
        request: &Request<'_>,
        payload_hash: &'a str,
        timestamp: i64,
    ) -> Result<AddedHeaders<'a>, Error> {
        let stamp = self.stamp(timestamp)?;
        Ok(sign_headers(
            request,
            &self.scope.selection,
            payload_hash,
            self.scope.content_sha256,
            &self.view(),
            &stamp,
        ))
    }

    /// The presigned target of `request`, signing every header it has.
    pub fn presign(
        &self,
        request: &Request<'_>,
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> Result<Vec<u8>, Error> {
        let stamp = self.stamp(timestamp)?;
        presign(
            request,
            &Selection::ALL,
            payload_hash,
            &self.view(),
            &stamp,
            expires_in,
        )
    }

    /// The presigner for URLs on `host` signing only it, cached for the next call.
    fn host_presigner(
        &self,
        stamp: &Arc<Stamp>,
        method: &str,
        host: &str,
        query: &[u8],
        payload_hash: &str,
        expires_in: i64,
    ) -> Result<Arc<Presigner>, Error> {
        let mut last = self.presigned.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(last) = last.as_ref().filter(|l| {
            Arc::ptr_eq(&l.stamp, stamp)
                && l.expires_in == expires_in
                && same(l.method.as_bytes(), method.as_bytes())
                && same(l.host.as_bytes(), host.as_bytes())
                && same(&l.query, query)
                && same(l.payload_hash.as_bytes(), payload_hash.as_bytes())
        }) {
            return Ok(Arc::clone(&last.presigner));
        }
        let host_header: [(&[u8], &[u8]); 1] = [(b"host", host.as_bytes())];
        let presigner = Arc::new(Presigner::new(
            method,
            host_header,
            |_| true,
            query,
            payload_hash,
            &self.view(),
            stamp,
            expires_in,
        )?);
        *last = Some(PresignedLast {
            stamp: Arc::clone(stamp),
            method: method.to_owned(),
            host: host.to_owned(),
            query: query.to_vec(),
            payload_hash: payload_hash.to_owned(),
            expires_in,
            presigner: Arc::clone(&presigner),
        });
        Ok(presigner)
    }

    /// `origin` + `target` (`path?query`) presigned signing `host` only.
    #[allow(clippy::too_many_arguments)]
    pub fn presign_on_host(
        &self,
        origin: &str,
        host: &str,
        method: &str,
        target: &[u8],
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> Result<String, Error> {
        let stamp = self.stamp(timestamp)?;
        let (path, query) = split_target(target);
        let presigner =
            self.host_presigner(&stamp, method, host, query, payload_hash, expires_in)?;
        let mut out = Vec::with_capacity(origin.len() + target.len() + 320);
        out.extend_from_slice(origin.as_bytes());
        presigner.sign_path(&stamp, path, &mut Vec::with_capacity(512), &mut out);
        // ASCII but for what the caller gave (text): valid UTF-8, checked without a copy.
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// `url` presigned signing its `host` only, when it is a plain URL (see
    /// `url.rs`); `None` when it is not (the caller parses it and calls `presign`).
    pub fn presign_url(
        &self,
        url: &str,
        method: &str,
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> Result<Option<String>, Error> {
        let Some((scheme, netloc, target)) = split_plain(url) else {
            return Ok(None);
        };
        let origin_len = scheme.len() + 3 + netloc.len();
        let origin = &url[..origin_len];
        self.presign_on_host(
            origin,
            netloc,
            method,
            target.as_bytes(),
            payload_hash,
            timestamp,
            expires_in,
        )
        .map(Some)
    }

    /// Presigned URLs for many object keys under `base`.
    pub fn presign_keys<S: AsRef<str>>(
        &self,
        base: &KeyBase<'_>,
        keys: &[S],
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> Result<Vec<String>, Error> {
        let stamp = self.stamp(timestamp)?;
        presign_keys(base, keys, payload_hash, &self.view(), &stamp, expires_in)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::test_fixtures::*;

    #[test]
    fn debug_shows_no_secret() {
        let shown = format!("{:?}", owned(Some("session-token")).credentials());
        assert!(shown.contains(ACCESS_ID), "{shown}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("session-token"),
            "{shown}"
        );
    }

    fn owned(token: Option<&str>) -> OwnedSigner {
        OwnedSigner::new(
            Credentials {
                access_id: ACCESS_ID.to_owned(),
                secret_key: SECRET.to_owned(),
                security_token: token.map(str::to_owned),
            },
            Scope {
                region: "us-east-1".to_owned(),
                service: "service".to_owned(),
                path: PathRules::SERVICE,
                selection: Selection::parse(&["*"]),
                content_sha256: false,
            },
        )
    }

    #[test]
    fn signs_the_vanilla_request_like_the_suite() {
        let headers: [(&[u8], &[u8]); 1] = [(b"Host", b"example.amazonaws.com")];
        let request = request("GET", b"/", &headers);
        let signer = owned(None);
        for _ in 0..2 {
            let added = signer
                .sign_headers(&request, EMPTY_SHA256, SUITE_TIME)
                .unwrap();
            assert!(added.authorization.ends_with(
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ));
        }
    }

    #[test]
    fn the_stamp_follows_the_clock() {
        let signer = owned(None);
        let first = signer.stamp(SUITE_TIME).unwrap();
        assert!(Arc::ptr_eq(&first, &signer.stamp(SUITE_TIME).unwrap()));
        let later = signer.stamp(SUITE_TIME + 1).unwrap();
        assert_eq!(later.amz_date.as_str(), "20150830T123601Z");
        assert_eq!(later.scope, first.scope);
        let next_day = signer.stamp(SUITE_TIME + 86_400).unwrap();
        assert_eq!(next_day.scope, "20150831/us-east-1/service/aws4_request");
        assert_eq!(signer.stamp(-1).err(), Some(Error::TimestampOutOfRange(-1)));
    }

    #[test]
    fn presign_url_is_presign_of_the_same_target() {
        let signer = owned(Some("tok"));
        let url = "https://example.amazonaws.com:8443/a%20b/c?x=1&y";
        for _ in 0..2 {
            let fast = signer
                .presign_url(url, "GET", EMPTY_SHA256, SUITE_TIME, 60)
                .unwrap()
                .unwrap();
            let headers: [(&[u8], &[u8]); 1] = [(b"host", b"example.amazonaws.com:8443")];
            let request = request("GET", b"/a%20b/c?x=1&y", &headers);
            let target = signer
                .presign(&request, EMPTY_SHA256, SUITE_TIME, 60)
                .unwrap();
            let expected = "https://example.amazonaws.com:8443".to_owned()
                + &String::from_utf8(target).unwrap();
            assert_eq!(fast, expected);
        }
        assert_eq!(
            signer.presign_url("https://H/", "GET", EMPTY_SHA256, SUITE_TIME, 60),
            Ok(None)
        );
        assert_eq!(
            signer.presign_url("https://h/", "GET", EMPTY_SHA256, SUITE_TIME, 0),
            Err(Error::ExpiresOutOfRange(0))
        );
    }

    #[test]
    fn other_credentials_share_the_scope() {
        let signer = owned(None);
        let other = signer.with_credentials(Credentials {
            access_id: "OTHER".to_owned(),
            secret_key: "other secret".to_owned(),
            security_token: Some("token".to_owned()),
        });
        assert!(Arc::ptr_eq(&signer.scope, &other.scope));
        let headers: [(&[u8], &[u8]); 0] = [];
        let request = request("GET", b"/", &headers);
        let added = other
            .sign_headers(&request, EMPTY_SHA256, SUITE_TIME)
            .unwrap();
        assert_eq!(added.security_token, Some("token"));
        assert!(added.authorization.contains("Credential=OTHER/"));
    }
}
