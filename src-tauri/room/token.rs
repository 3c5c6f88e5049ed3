//! The room's credentials: the round's join token (128 random bits, in the QR URL), the short
//! join code people type (6 characters without look-alikes, exchanged for the token, with
//! guesses limited per client address and per round), and each participant's own secret. Every
//! comparison takes the same time whatever the input. It must never derive a credential from
//! anything guessable, and never log one.

use std::collections::HashMap;
use std::net::IpAddr;

use subtle::ConstantTimeEq;

/// The join code's characters: no 0/O, 1/I/L, 5/S, 2/Z, 8/B, which read alike on a projector.
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// Characters in a join code.
pub const CODE_LEN: usize = 6;

/// Wrong join codes accepted from one client address before it is refused for the round.
pub const GUESSES_PER_CLIENT: u32 = 5;

/// Wrong join codes accepted in a round before the code stops working (the QR URL still works).
/// With 25⁶ ≈ 244 million codes, the chance that these many guesses find it is below one in a
/// million.
pub const GUESSES_PER_ROUND: u32 = 100;

/// 128 random bits as 32 lower-case hex digits: safe in a URL, easy to compare.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    pub fn random() -> Result<Secret, getrandom::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        Ok(Secret(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `given` is this secret; the time taken does not depend on where they differ.
    pub fn matches(&self, given: &str) -> bool {
        // Lengths are public (every secret has 32 characters); the contents are compared in
        // constant time.
        given.len() == self.0.len() && bool::from(self.0.as_bytes().ct_eq(given.as_bytes()))
    }
}

/// The short code people type instead of scanning the QR code.
#[derive(Clone, PartialEq, Eq)]
pub struct JoinCode(String);

impl std::fmt::Debug for JoinCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JoinCode(…)")
    }
}

impl JoinCode {
    pub fn random() -> Result<JoinCode, getrandom::Error> {
        let mut code = String::with_capacity(CODE_LEN);
        while code.len() < CODE_LEN {
            let mut byte = [0u8; 1];
            getrandom::fill(&mut byte)?;
            // Rejection sampling keeps every character equally likely: 250 is the largest
            // multiple of 25 that fits in a byte.
            if usize::from(byte[0]) < CODE_ALPHABET.len() * 10 {
                code.push(char::from(
                    CODE_ALPHABET[usize::from(byte[0]) % CODE_ALPHABET.len()],
                ));
            }
        }
        Ok(JoinCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `typed` is this code, forgiving case, spaces and dashes.
    pub fn matches(&self, typed: &str) -> bool {
        let typed: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        typed.len() == self.0.len() && bool::from(self.0.as_bytes().ct_eq(typed.as_bytes()))
    }
}

/// Why a join code was not exchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not this round's code.
    Wrong,
    /// Too many wrong codes from this address, or in this round: the code no longer works.
    TooManyGuesses,
}

/// Counts wrong join codes, per client address and per round. A fresh TCP connection costs a
/// client nothing, so "per connection" is counted per address.
#[derive(Debug, Default)]
pub struct Guesses {
    per_client: HashMap<IpAddr, u32>,
    total: u32,
}

impl Guesses {
    /// Exchanges `typed` for the token when it is the round's code and guessing is still allowed.
    pub fn exchange(
        &mut self,
        code: &JoinCode,
        client: IpAddr,
        typed: &str,
    ) -> Result<(), CodeRefusal> {
        let mine = self.per_client.get(&client).copied().unwrap_or(0);
        if self.total >= GUESSES_PER_ROUND || mine >= GUESSES_PER_CLIENT {
            return Err(CodeRefusal::TooManyGuesses);
        }
        if code.matches(typed) {
            return Ok(());
        }
        self.total += 1;
        // Bounded: a round stops counting (and accepting codes) after GUESSES_PER_ROUND.
        *self.per_client.entry(client).or_insert(0) += 1;
        Err(CodeRefusal::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_the_alphabet_and_no_look_alikes() {
        for look_alike in b"0O1IL5S2Z8B" {
            assert!(!CODE_ALPHABET.contains(look_alike));
        }
        for _ in 0..200 {
            let code = JoinCode::random().unwrap();
            assert_eq!(code.as_str().len(), CODE_LEN);
            assert!(code.as_str().bytes().all(|b| CODE_ALPHABET.contains(&b)));
        }
    }

    #[test]
    fn secrets_are_128_bits_and_compare_exactly() {
        let a = Secret::random().unwrap();
        let b = Secret::random().unwrap();
        assert_eq!(a.as_str().len(), 32);
        assert_ne!(a, b);
        assert!(a.matches(a.as_str()));
        assert!(!a.matches(b.as_str()));
        assert!(!a.matches(&a.as_str()[..31]));
        assert!(!a.matches(""));
    }

    #[test]
    fn a_code_is_typed_loosely_and_guessed_a_few_times_at_most() {
        let code = JoinCode("ACD34X".to_owned());
        let mut guesses = Guesses::default();
        let me: IpAddr = [127, 0, 0, 1].into();
        assert_eq!(guesses.exchange(&code, me, "acd 34x"), Ok(()));
        for _ in 0..GUESSES_PER_CLIENT {
            assert_eq!(
                guesses.exchange(&code, me, "WWWWWW"),
                Err(CodeRefusal::Wrong)
            );
        }
        assert_eq!(
            guesses.exchange(&code, me, "ACD34X"),
            Err(CodeRefusal::TooManyGuesses),
            "even the right code, once this address guessed too often"
        );
        let mut round = Guesses::default();
        for n in 0..GUESSES_PER_ROUND {
            let other: IpAddr = [10, 0, (n / 250) as u8, (n % 250) as u8].into();
            assert_eq!(
                round.exchange(&code, other, "WWWWWW"),
                Err(CodeRefusal::Wrong)
            );
        }
        let fresh: IpAddr = [10, 9, 9, 9].into();
        assert_eq!(
            round.exchange(&code, fresh, "ACD34X"),
            Err(CodeRefusal::TooManyGuesses)
        );
    }
}
