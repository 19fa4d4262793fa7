//! A certificate collection as a context for the whole tab. Command can grant a role its certificate
//! permissions per collection only; such a user is refused (403) unless each request names the collection
//! with `collectionId`, which the specs allow on `GET /Certificates`, `GET /Certificates/{id}` and its
//! `/History`, `GET /Enrollment/AvailableRenewal/…`, `POST /Enrollment/Renew` and `POST /Certificates/Download`
//! and `/Recover` (and `POST /Certificates/Revoke` takes it in its body, `CollectionId`). The collection comes from
//! `config.json` (`collection_id`) or from the link the user opened (`?collection=12`), which wins.

use std::fmt;

/// The URL parameter of a deep link that sets the collection.
pub const URL_PARAMETER: &str = "collection";

/// A Keyfactor certificate collection id (a positive integer; 0 is Keyfactor's "no collection").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CollectionId(u32);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CollectionIdError {
    #[error("A certificate collection is a number such as 12, not {0:?}.")]
    NotANumber(String),
    #[error("Certificate collections are numbered from 1.")]
    Zero,
    #[error("{0} is larger than any certificate collection id.")]
    TooLarge(String),
}

impl CollectionId {
    pub fn new(id: u32) -> Result<Self, CollectionIdError> {
        match id {
            0 => Err(CollectionIdError::Zero),
            // Keyfactor's ids are 32-bit signed integers.
            id if i32::try_from(id).is_err() => Err(CollectionIdError::TooLarge(id.to_string())),
            id => Ok(Self(id)),
        }
    }

    pub fn parse(text: &str) -> Result<Self, CollectionIdError> {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            let shown: String = text.chars().take(20).collect();
            return Err(CollectionIdError::NotANumber(shown));
        }
        let id = text
            .parse::<u32>()
            .map_err(|_| CollectionIdError::TooLarge(text.chars().take(20).collect()))?;
        Self::new(id)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The collection a link asks for: `?collection=12` in `location.search` (with or without the `?`);
/// `None` when the link names none.
pub fn from_url_search(search: &str) -> Option<Result<CollectionId, CollectionIdError>> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == URL_PARAMETER)
        .map(|(_, value)| CollectionId::parse(value))
}

/// What a 403 on a collection-scoped operation adds, so the user knows whether a collection could help.
pub fn refusal_hint(collection: Option<CollectionId>) -> String {
    match collection {
        Some(collection) => format!(" (asked within certificate collection {collection})."),
        None => format!(
            ". If your Keyfactor permissions are granted for a certificate collection, open the portal with that \
             collection's link (ending in ?{URL_PARAMETER}=<its number>) or ask the portal's operator to set it \
             in config.json."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_ids_are_positive_32_bit_numbers() {
        assert_eq!(CollectionId::parse(" 12 ").map(CollectionId::get), Ok(12));
        assert_eq!(CollectionId::parse("0"), Err(CollectionIdError::Zero));
        for bad in ["", "-3", "+3", "12a", "1.5", "x"] {
            assert!(
                matches!(
                    CollectionId::parse(bad),
                    Err(CollectionIdError::NotANumber(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            CollectionId::parse("2147483648"),
            Err(CollectionIdError::TooLarge(_))
        ));
        assert!(matches!(
            CollectionId::parse("99999999999999999999"),
            Err(CollectionIdError::TooLarge(_))
        ));
        assert_eq!(
            CollectionId::parse("2147483647").map(CollectionId::get),
            Ok(2_147_483_647)
        );
    }

    #[test]
    fn links_name_the_collection_in_their_query() {
        let id = |search: &str| from_url_search(search).map(|r| r.map(CollectionId::get));
        assert_eq!(id("?id=5&collection=12"), Some(Ok(12)));
        assert_eq!(id("collection=3"), Some(Ok(3)));
        assert_eq!(id("?id=5"), None);
        assert_eq!(id(""), None);
        assert!(matches!(
            id("?collection=abc"),
            Some(Err(CollectionIdError::NotANumber(_)))
        ));
    }

    #[test]
    fn a_refusal_says_whether_a_collection_was_used() {
        assert!(refusal_hint(None).contains("?collection=<its number>"));
        let within = refusal_hint(Some(CollectionId::new(7).unwrap()));
        assert_eq!(within, " (asked within certificate collection 7).");
    }
}
