//! API key and signing key. Secrets never appear in `Debug`, `Display`, logs or errors.
//!
//! Three key types, as Binance accepts them:
//! * HMAC-SHA256 ([`Credentials::hmac`]): signature in lower-case hex.
//! * Ed25519 ([`Credentials::ed25519_pem`]): PKCS#8 PEM private key, signature in standard base64.
//! * RSA (`Credentials::rsa_pem`, with the `rsa` feature): PKCS#8 PEM private key,
//!   RSASSA-PKCS1-v1_5 with SHA-256, signature in standard base64. RSA support is a cargo feature
//!   because it brings about a dozen crates (big-integer arithmetic, a second `rand` line) that
//!   HMAC and Ed25519 users do not need; Binance recommends Ed25519.
//!
//! The REST query writer percent-encodes base64 signatures (`+`, `/`, `=`), so the same string
//! goes into a query or a WebSocket API `params` object.
//!
//! # What is zeroized
//! * HMAC: RustCrypto's `hmac` (`Hmac<Sha256>`). The secret itself is not kept: the key is
//!   turned once into the SHA-256 states after its inner and outer pad blocks (RFC 2104,
//!   section 4), and every signature starts from a clone of them, so a short message costs two
//!   compressions. Those states are secret-equivalent (they sign anything) but the `hmac` and
//!   `sha2` crates offer no way to wipe them: they stay in memory until it is reused. The
//!   secret you pass is borrowed, or taken by value: pass a [`Zeroizing`] string or
//!   byte vector and it is wiped as soon as the pad states are made
//!   (`Credentials::hmac(key, Zeroizing::new(secret))`).
//! * Ed25519: `ed25519_dalek::SigningKey` wipes its secret on drop (its `zeroize` feature).
//! * RSA: `rsa::RsaPrivateKey` wipes its private exponent and primes on drop.
//! * The PEM text passed in is borrowed and stays the caller's to wipe; the DER decoded from it is
//!   held in a zeroizing document by the `pkcs8` crate while parsing.
//! * The API key is not a secret in the cryptographic sense (it travels in a header) but is still
//!   redacted from `Debug` and `Display`.

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;
/// Re-exported so that a secret can be handed over for wiping without depending on `zeroize`.
pub use zeroize::Zeroizing;

/// API key plus the key that signs requests. Cheap to clone (the key is shared).
#[derive(Clone)]
pub struct Credentials {
    api_key: Arc<str>,
    signer: Arc<Signer>,
}

enum Signer {
    /// The HMAC key's pad states; cloned for every signature.
    Hmac(Hmac<Sha256>),
    /// Wipes itself on drop.
    Ed25519(ed25519_dalek::SigningKey),
    /// The private key inside wipes itself on drop.
    #[cfg(feature = "rsa")]
    Rsa(rsa::pkcs1v15::SigningKey<Sha256>),
}

/// The kind of signing key, for logs and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// HMAC-SHA256 with a shared secret; hex signatures.
    Hmac,
    /// Ed25519; base64 signatures. The only type the WebSocket API `session.logon` accepts.
    Ed25519,
    /// RSA, RSASSA-PKCS1-v1_5 with SHA-256; base64 signatures.
    Rsa,
}

impl KeyType {
    /// Human name, e.g. `HMAC-SHA256`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Hmac => "HMAC-SHA256",
            KeyType::Ed25519 => "Ed25519",
            KeyType::Rsa => "RSA",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Credentials {
    /// HMAC-SHA256 credentials: API key and secret key as shown by Binance.
    ///
    /// The secret is borrowed or taken by value; a [`Zeroizing`] secret passed by value is wiped
    /// when this returns (see the module docs for what stays in memory).
    pub fn hmac(api_key: impl Into<String>, secret: impl AsRef<[u8]>) -> crate::Result<Self> {
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(crate::Error::Config("the HMAC secret key is empty; paste the secret Binance showed".into()));
        }
        // HMAC takes keys of any length (longer ones are hashed first), so this cannot fail.
        let mac = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|_| crate::Error::Config("the HMAC secret key cannot be used as an HMAC-SHA256 key".into()))?;
        let signer = Signer::Hmac(mac);
        Ok(Credentials { api_key: api_key.into(), signer: Arc::new(signer) })
    }

    /// Ed25519 credentials: API key and the private key as PKCS#8 PEM
    /// (`-----BEGIN PRIVATE KEY-----`), as produced when registering an Ed25519 key with Binance.
    pub fn ed25519_pem(api_key: impl Into<String>, pkcs8_pem: &str) -> crate::Result<Self> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        // The parser's error names only the structural problem, never key bytes.
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pkcs8_pem.trim()).map_err(|e| {
            crate::Error::Config(format!(
                "the Ed25519 private key is not a PKCS#8 PEM Ed25519 key ({e}); expected the text \
                 between `-----BEGIN PRIVATE KEY-----` and `-----END PRIVATE KEY-----`"
            ))
        })?;
        Ok(Credentials { api_key: api_key.into(), signer: Arc::new(Signer::Ed25519(key)) })
    }

    /// RSA credentials: API key and the private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    /// Signatures are RSASSA-PKCS1-v1_5 over SHA-256. Needs the `rsa` feature.
    #[cfg(feature = "rsa")]
    pub fn rsa_pem(api_key: impl Into<String>, pkcs8_pem: &str) -> crate::Result<Self> {
        use rsa::pkcs8::DecodePrivateKey;
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pkcs8_pem.trim()).map_err(|e| {
            crate::Error::Config(format!(
                "the RSA private key is not a PKCS#8 PEM RSA key ({e}); expected the text between \
                 `-----BEGIN PRIVATE KEY-----` and `-----END PRIVATE KEY-----` (convert a PKCS#1 \
                 `BEGIN RSA PRIVATE KEY` file to PKCS#8 first)"
            ))
        })?;
        let signer = Signer::Rsa(rsa::pkcs1v15::SigningKey::<Sha256>::new(key));
        Ok(Credentials { api_key: api_key.into(), signer: Arc::new(signer) })
    }

    /// The API key, sent in `X-MBX-APIKEY`.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The API key, shared rather than copied (one per request).
    pub(crate) fn shared_api_key(&self) -> Arc<str> {
        Arc::clone(&self.api_key)
    }

    /// Signs `payload` (the exact bytes sent): lower-case hex for HMAC, standard base64 for
    /// Ed25519 and RSA.
    pub fn sign(&self, payload: &[u8]) -> String {
        match self.signature(payload) {
            Signature::Hmac(mac) => {
                let mut text = String::with_capacity(2 * mac.len());
                push_hex(&mut text, &mac);
                text
            }
            other => other.as_text().to_owned(),
        }
    }

    /// Like [`sign`](Self::sign), without allocating for HMAC and Ed25519 signatures.
    pub(crate) fn signature(&self, payload: &[u8]) -> Signature {
        let b64 = &base64::engine::general_purpose::STANDARD;
        match &*self.signer {
            Signer::Hmac(mac) => Signature::Hmac(mac.clone().chain_update(payload).finalize().into_bytes().into()),
            Signer::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                let mut text = [0u8; Signature::INLINE];
                // 64 bytes are 88 base64 characters: always fits, so the error arm never runs.
                let signature = key.sign(payload).to_bytes();
                match b64.encode_slice(signature, &mut text) {
                    Ok(len) => Signature::Inline(text, len),
                    Err(_) => Signature::Heap(b64.encode(signature)),
                }
            }
            #[cfg(feature = "rsa")]
            Signer::Rsa(key) => {
                use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};
                // Blinded with OS randomness, as a side-channel mitigation. PKCS#1 v1.5 signatures
                // are deterministic, so the result is the same as an unblinded signature.
                Signature::Heap(b64.encode(key.sign_with_rng(&mut rand_core::OsRng, payload).to_bytes()))
            }
        }
    }

    /// The kind of key.
    pub fn key_kind(&self) -> KeyType {
        match &*self.signer {
            Signer::Hmac(_) => KeyType::Hmac,
            Signer::Ed25519(_) => KeyType::Ed25519,
            #[cfg(feature = "rsa")]
            Signer::Rsa(_) => KeyType::Rsa,
        }
    }

    /// The key type's name, for logs (`HMAC-SHA256`, `Ed25519`, `RSA`).
    pub fn key_type(&self) -> &'static str {
        self.key_kind().as_str()
    }
}

/// Appends `bytes` as lower-case hex digits.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

/// A signature before it is written out: HMAC's raw bytes (sent as hex), or base64 text, on
/// the stack for Ed25519 (88 characters) and on the heap for RSA.
pub(crate) enum Signature {
    /// HMAC-SHA256, sent as 64 lower-case hex digits.
    Hmac([u8; 32]),
    /// Base64 text in the first `.1` bytes.
    Inline([u8; Signature::INLINE], usize),
    /// Longer base64 text.
    Heap(String),
}

impl Signature {
    const INLINE: usize = 88;

    /// Appends the signature to `query` as parameter `name`: hex digits as they are, base64
    /// percent-encoded.
    pub(crate) fn write_param(&self, name: &str, query: &mut crate::params::QueryWriter) {
        match self {
            Signature::Hmac(mac) => query.hex(name, mac),
            other => crate::ParamWriter::str(query, name, other.as_text()),
        }
    }

    /// The base64 text ("" for HMAC, which has no text form until written).
    fn as_text(&self) -> &str {
        match self {
            Signature::Hmac(_) => "",
            // Only ASCII is ever written inline, so this never falls back to "".
            Signature::Inline(text, len) => text.get(..*len).and_then(|t| std::str::from_utf8(t).ok()).unwrap_or(""),
            Signature::Heap(text) => text,
        }
    }
}

fn check_api_key(key: &str) -> crate::Result<()> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(crate::Error::Config(
            "the API key is empty or has characters that cannot go in an HTTP header".into(),
        ));
    }
    Ok(())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &"<redacted>")
            .field("key_type", &self.key_type())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} credentials (API key and secret redacted)", self.key_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::EncodePrivateKey as _;

    /// A 2048-bit RSA key made once for these tests with the `rsa` crate; it signs nothing real.
    pub(crate) const TEST_RSA_PEM: &str = include_str!("../tests/fixtures/rsa_test_key.pem");

    fn ed25519_pem() -> Zeroizing<String> {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let pem = key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).unwrap();
        Zeroizing::new(pem.as_str().to_string())
    }

    #[test]
    fn hmac_matches_the_fapi_worked_example() {
        let c = Credentials::hmac("key", "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9").unwrap();
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
        assert_eq!(c.sign(payload.as_bytes()), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    }

    #[test]
    fn ed25519_signature_verifies_with_the_public_key() {
        use ed25519_dalek::Verifier as _;
        let c = Credentials::ed25519_pem("key", &ed25519_pem()).unwrap();
        assert_eq!(c.key_kind(), KeyType::Ed25519);
        let payload = b"symbol=BTCUSDT&timestamp=1591702613943";
        let sig = base64::engine::general_purpose::STANDARD.decode(c.sign(payload)).unwrap();
        let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
        let public = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        public.verify(payload, &sig).unwrap();
        assert!(public.verify(b"symbol=ETHUSDT&timestamp=1591702613943", &sig).is_err());
    }

    #[cfg(feature = "rsa")]
    #[test]
    fn rsa_signature_verifies_with_the_public_key() {
        use rsa::pkcs8::DecodePrivateKey as _;
        use rsa::signature::Verifier as _;
        let c = Credentials::rsa_pem("key", TEST_RSA_PEM).unwrap();
        assert_eq!(c.key_kind(), KeyType::Rsa);
        let payload = b"symbol=BTCUSDT&timestamp=1591702613943";
        let sig = base64::engine::general_purpose::STANDARD.decode(c.sign(payload)).unwrap();
        let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap();
        let public = rsa::RsaPrivateKey::from_pkcs8_pem(TEST_RSA_PEM).unwrap().to_public_key();
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public);
        verifier.verify(payload, &sig).unwrap();
        assert!(verifier.verify(b"tampered", &sig).is_err());
    }

    #[test]
    fn debug_and_display_never_show_secrets() {
        let ed_pem = ed25519_pem();
        let cases = [
            (Credentials::hmac("my-api-key-123", "my-secret-456").unwrap(), "my-secret-456".to_string()),
            (Credentials::ed25519_pem("my-api-key-123", &ed_pem).unwrap(), ed_pem.to_string()),
            #[cfg(feature = "rsa")]
            (Credentials::rsa_pem("my-api-key-123", TEST_RSA_PEM).unwrap(), TEST_RSA_PEM.to_string()),
        ];
        for (c, secret) in cases {
            // Every line of the PEM body (or the HMAC secret) must be absent.
            let secret_parts: Vec<&str> =
                secret.lines().filter(|l| !l.starts_with("-----") && !l.trim().is_empty()).collect();
            for shown in [format!("{c:?}"), format!("{c:#?}"), c.to_string()] {
                assert!(!shown.contains("my-api-key-123"), "{shown}");
                for part in &secret_parts {
                    assert!(!shown.contains(part), "{shown}");
                }
                assert!(shown.contains(c.key_type()), "{shown}");
            }
        }
    }

    #[test]
    fn hmac_agrees_with_a_fresh_mac_for_every_padding_case() {
        // Secrets shorter than, equal to and longer than a block; messages across one and two
        // padding blocks and several whole blocks; each signature from the same credentials,
        // so a pad state spoiled by an earlier signature would show.
        for secret_len in [1, 31, 64, 65, 200] {
            let secret: Vec<u8> = (0..secret_len).map(|i| (i * 7 + 3) as u8).collect();
            let c = Credentials::hmac("key", &secret).unwrap();
            for message_len in (0..=200).chain([0]) {
                let message: Vec<u8> = (0..message_len).map(|i| (i * 13 + 1) as u8).collect();
                let expected = Hmac::<Sha256>::new_from_slice(&secret).unwrap().chain_update(&message).finalize();
                let mut hex = String::new();
                push_hex(&mut hex, &expected.into_bytes());
                assert_eq!(c.sign(&message), hex, "secret {secret_len} B, message {message_len} B");
            }
        }
    }

    #[test]
    fn a_zeroizing_secret_can_be_handed_over_and_signs_the_binance_vector() {
        let secret = Zeroizing::new("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9".to_string());
        let c = Credentials::hmac("key", secret).unwrap();
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
        assert_eq!(c.sign(payload.as_bytes()), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
        let bytes = Zeroizing::new(b"2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9".to_vec());
        assert_eq!(Credentials::hmac("key", bytes).unwrap().sign(payload.as_bytes()), c.sign(payload.as_bytes()));
    }

    #[test]
    fn bad_api_key_is_a_config_error() {
        assert!(matches!(Credentials::hmac("", "s"), Err(crate::Error::Config(_))));
        assert!(matches!(Credentials::hmac("a\nb", "s"), Err(crate::Error::Config(_))));
        assert!(matches!(Credentials::hmac("key", ""), Err(crate::Error::Config(_))));
    }

    #[test]
    fn malformed_pem_is_a_config_error_not_a_panic() {
        let truncated_rsa = &TEST_RSA_PEM[..TEST_RSA_PEM.len() / 2];
        for bad in ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", truncated_rsa] {
            let results = [
                Credentials::ed25519_pem("key", bad),
                #[cfg(feature = "rsa")]
                Credentials::rsa_pem("key", bad),
            ];
            for result in results {
                match result {
                    Err(crate::Error::Config(msg)) => assert!(msg.contains("PKCS#8"), "{msg}"),
                    other => panic!("expected a Config error, got {other:?}"),
                }
            }
        }
        // A valid key of the other type is rejected too.
        assert!(matches!(Credentials::ed25519_pem("key", TEST_RSA_PEM), Err(crate::Error::Config(_))));
        #[cfg(feature = "rsa")]
        assert!(matches!(Credentials::rsa_pem("key", &ed25519_pem()), Err(crate::Error::Config(_))));
        // The message never echoes the key material.
        if let Err(e) = Credentials::ed25519_pem("key", TEST_RSA_PEM) {
            let body_line = TEST_RSA_PEM.lines().nth(1).unwrap();
            assert!(!e.to_string().contains(body_line));
        }
    }
}
