//! The `QueryString` language of Command's list endpoints, the subset the notes (§1.6) describe:
//! `Field -op value` joined by `AND`/`OR` with parentheses; strings in double quotes; numbers, dates,
//! `NULL`, `%TODAY%` (also `%TODAY+30%` / `%TODAY%-7`) and `%ME%` bare. Comparisons on text ignore
//! case, as SQL Server's default collation does.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::model::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Int,
    Date,
    Bool,
    /// Matches when any element matches (e.g. a certificate's SANs).
    TextList,
}

/// A field an endpoint lets callers filter on, in its canonical spelling.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
}

pub const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field { name, kind }
}

/// A record's value for one field.
#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Date(Timestamp),
    Bool(bool),
    TextList(Vec<String>),
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        value.map_or(Value::Null, Value::Text)
    }
}

/// Something a query can be evaluated against; `field` is always one of the endpoint's canonical names.
pub trait Record {
    fn value(&self, field: &str) -> Value;
}

/// What `%TODAY%` and `%ME%` mean for this request.
pub struct Context {
    pub now: Timestamp,
    pub me: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    Eq,
    Ne,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Operator {
    fn parse(token: &str) -> Option<Self> {
        Some(match token.to_ascii_lowercase().as_str() {
            "-eq" => Operator::Eq,
            "-ne" => Operator::Ne,
            "-contains" => Operator::Contains,
            "-notcontains" => Operator::NotContains,
            "-startswith" => Operator::StartsWith,
            "-endswith" => Operator::EndsWith,
            "-lt" => Operator::Lt,
            "-le" => Operator::Le,
            "-gt" => Operator::Gt,
            "-ge" => Operator::Ge,
            _ => return None,
        })
    }

    fn is_ordering(self) -> bool {
        matches!(
            self,
            Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge
        )
    }

    fn is_text_only(self) -> bool {
        matches!(
            self,
            Operator::Contains | Operator::NotContains | Operator::StartsWith | Operator::EndsWith
        )
    }
}

/// A date operand; day-granular ones compare by calendar day on `-eq`/`-ne`.
#[derive(Clone, Debug)]
enum DateOperand {
    TodayPlus(i64),
    Day(NaiveDate),
    Instant(Timestamp),
}

impl DateOperand {
    fn resolve(&self, context: &Context) -> (Timestamp, bool) {
        match self {
            DateOperand::TodayPlus(days) => (
                midnight(context.now.date_naive() + Duration::days(*days)),
                true,
            ),
            DateOperand::Day(day) => (midnight(*day), true),
            DateOperand::Instant(instant) => (*instant, false),
        }
    }
}

fn midnight(day: NaiveDate) -> Timestamp {
    DateTime::from_naive_utc_and_offset(day.and_time(NaiveTime::MIN), Utc)
}

#[derive(Clone, Debug)]
enum Operand {
    Null,
    Text(String),
    Me,
    Int(i64),
    Bool(bool),
    Date(DateOperand),
}

#[derive(Clone, Debug)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Compare {
        field: Field,
        operator: Operator,
        operand: Operand,
    },
}

/// A parsed, field-checked query.
#[derive(Clone, Debug)]
pub struct Query(Expr);

impl Query {
    pub fn parse(input: &str, fields: &[Field]) -> Result<Query, QueryError> {
        let tokens = tokenize(input)?;
        let mut parser = Parser {
            tokens,
            position: 0,
            fields,
        };
        let expr = parser.or_expr()?;
        match parser.tokens.get(parser.position) {
            None => Ok(Query(expr)),
            Some(token) => Err(QueryError(format!(
                "Unexpected '{}' in query",
                token.text()
            ))),
        }
    }

    pub fn matches(&self, record: &impl Record, context: &Context) -> bool {
        evaluate(&self.0, record, context)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Quoted(String),
    Word(String),
}

impl Token {
    fn text(&self) -> &str {
        match self {
            Token::Open => "(",
            Token::Close => ")",
            Token::Quoted(text) | Token::Word(text) => text,
        }
    }
}

fn tokenize(input: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        None => return Err(QueryError("Unterminated string in query".into())),
                        // Both escapes of a quote inside a literal: `\"` and PowerShell's `""`.
                        Some('\\' | '"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            text.push('"');
                        }
                        Some('"') => break,
                        Some(other) => text.push(other),
                    }
                }
                tokens.push(Token::Quoted(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&next) = chars.peek() {
                    if next.is_whitespace() || next == '(' || next == ')' || next == '"' {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    fields: &'a [Field],
}

impl Parser<'_> {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn next_is_keyword(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.position), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    /// `operand (keyword operand)*`: a lone operand as itself, several joined by `join`.
    fn joined(
        &mut self,
        keyword: &str,
        operand: fn(&mut Self) -> Result<Expr, QueryError>,
        join: fn(Vec<Expr>) -> Expr,
    ) -> Result<Expr, QueryError> {
        let mut operands = vec![operand(self)?];
        while self.next_is_keyword(keyword) {
            self.position += 1;
            operands.push(operand(self)?);
        }
        Ok(if operands.len() == 1 {
            operands.remove(0)
        } else {
            join(operands)
        })
    }

    fn or_expr(&mut self) -> Result<Expr, QueryError> {
        self.joined("OR", Self::and_expr, Expr::Or)
    }

    fn and_expr(&mut self) -> Result<Expr, QueryError> {
        self.joined("AND", Self::factor, Expr::And)
    }

    fn factor(&mut self) -> Result<Expr, QueryError> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or_expr()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(QueryError("Missing ')' in query".into())),
                }
            }
            Some(Token::Word(name)) => self.comparison(&name),
            Some(other) => Err(QueryError(format!(
                "Expected a field name but found '{}'",
                other.text()
            ))),
            None => Err(QueryError("Incomplete query".into())),
        }
    }

    fn comparison(&mut self, name: &str) -> Result<Expr, QueryError> {
        let field = *self
            .fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| QueryError(format!("Unknown query field '{name}'")))?;
        let operator = match self.next() {
            Some(Token::Word(op)) => Operator::parse(&op)
                .ok_or_else(|| QueryError(format!("Unknown operator '{op}' after '{name}'")))?,
            _ => return Err(QueryError(format!("Missing operator after '{name}'"))),
        };
        let (raw, quoted) = match self.next() {
            Some(Token::Quoted(text)) => (text, true),
            Some(Token::Word(text)) => (text, false),
            _ => return Err(QueryError(format!("Missing value after '{name}'"))),
        };
        let operand = operand(field, operator, &raw, quoted)?;
        Ok(Expr::Compare {
            field,
            operator,
            operand,
        })
    }
}

fn operand(
    field: Field,
    operator: Operator,
    raw: &str,
    quoted: bool,
) -> Result<Operand, QueryError> {
    let invalid_operator =
        || QueryError(format!("Operator is not valid for field '{}'", field.name));
    if !quoted && raw.eq_ignore_ascii_case("NULL") {
        return match operator {
            Operator::Eq | Operator::Ne => Ok(Operand::Null),
            _ => Err(invalid_operator()),
        };
    }
    match field.kind {
        FieldKind::Text | FieldKind::TextList => {
            if operator.is_ordering() {
                return Err(invalid_operator());
            }
            Ok(if raw.eq_ignore_ascii_case("%ME%") {
                Operand::Me
            } else {
                Operand::Text(raw.to_owned())
            })
        }
        FieldKind::Int => {
            if operator.is_text_only() {
                return Err(invalid_operator());
            }
            raw.trim().parse().map(Operand::Int).map_err(|_| {
                QueryError(format!(
                    "'{raw}' is not a valid number for field '{}'",
                    field.name
                ))
            })
        }
        FieldKind::Bool => {
            if !matches!(operator, Operator::Eq | Operator::Ne) {
                return Err(invalid_operator());
            }
            raw.trim()
                .to_ascii_lowercase()
                .parse()
                .map(Operand::Bool)
                .map_err(|_| {
                    QueryError(format!(
                        "'{raw}' is not a valid boolean for field '{}'",
                        field.name
                    ))
                })
        }
        FieldKind::Date => {
            if operator.is_text_only() {
                return Err(invalid_operator());
            }
            parse_date(raw).map(Operand::Date).ok_or_else(|| {
                QueryError(format!(
                    "'{raw}' is not a valid date for field '{}'",
                    field.name
                ))
            })
        }
    }
}

fn parse_date(raw: &str) -> Option<DateOperand> {
    let raw = raw.trim();
    if let Some(days) = parse_today(raw) {
        return Some(DateOperand::TodayPlus(days));
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
        return Some(DateOperand::Instant(instant.with_timezone(&Utc)));
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(DateOperand::Instant(naive.and_utc()));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .map(DateOperand::Day)
}

/// `%TODAY%`, `%TODAY%+30`, `%TODAY+30%`, `%TODAY-7%` → day offset.
fn parse_today(raw: &str) -> Option<i64> {
    let upper = raw.to_ascii_uppercase();
    let rest = upper.strip_prefix("%TODAY")?;
    let offset = rest
        .strip_prefix('%')
        .or_else(|| rest.strip_suffix('%'))?
        .replace(' ', "");
    if offset.is_empty() {
        return Some(0);
    }
    offset.parse::<i64>().ok()
}

fn evaluate(expr: &Expr, record: &impl Record, context: &Context) -> bool {
    match expr {
        Expr::Or(terms) => terms.iter().any(|t| evaluate(t, record, context)),
        Expr::And(factors) => factors.iter().all(|f| evaluate(f, record, context)),
        Expr::Compare {
            field,
            operator,
            operand,
        } => compare(&record.value(field.name), *operator, operand, context),
    }
}

fn compare(value: &Value, operator: Operator, operand: &Operand, context: &Context) -> bool {
    let is_null = match value {
        Value::Null => true,
        Value::TextList(items) => items.is_empty(),
        _ => false,
    };
    match operand {
        Operand::Null => return (operator == Operator::Eq) == is_null,
        _ if is_null => return false,
        _ => {}
    }
    match (value, operand) {
        (Value::Text(text), Operand::Text(wanted)) => compare_text(text, operator, wanted),
        (Value::Text(text), Operand::Me) => compare_text(text, operator, &context.me),
        (Value::TextList(items), Operand::Text(wanted)) => {
            // Negative operators must hold for every element, positive ones for any.
            match operator {
                Operator::Ne | Operator::NotContains => items
                    .iter()
                    .all(|item| compare_text(item, operator, wanted)),
                _ => items
                    .iter()
                    .any(|item| compare_text(item, operator, wanted)),
            }
        }
        (Value::Int(number), Operand::Int(wanted)) => order(number.cmp(wanted), operator),
        (Value::Bool(flag), Operand::Bool(wanted)) => order(flag.cmp(wanted), operator),
        (Value::Date(instant), Operand::Date(wanted)) => {
            let (wanted, by_day) = wanted.resolve(context);
            if by_day && matches!(operator, Operator::Eq | Operator::Ne) {
                order(instant.date_naive().cmp(&wanted.date_naive()), operator)
            } else {
                order(instant.cmp(&wanted), operator)
            }
        }
        _ => false,
    }
}

fn compare_text(text: &str, operator: Operator, wanted: &str) -> bool {
    let text = text.to_lowercase();
    let wanted = wanted.to_lowercase();
    match operator {
        Operator::Eq => text == wanted,
        Operator::Ne => text != wanted,
        Operator::Contains => text.contains(&wanted),
        Operator::NotContains => !text.contains(&wanted),
        Operator::StartsWith => text.starts_with(&wanted),
        Operator::EndsWith => text.ends_with(&wanted),
        // Rejected at parse time for text fields.
        Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge => false,
    }
}

fn order(ordering: std::cmp::Ordering, operator: Operator) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match operator {
        Operator::Eq => ordering == Equal,
        Operator::Ne => ordering != Equal,
        Operator::Lt => ordering == Less,
        Operator::Le => ordering != Greater,
        Operator::Gt => ordering == Greater,
        Operator::Ge => ordering != Less,
        Operator::Contains | Operator::NotContains | Operator::StartsWith | Operator::EndsWith => {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row {
        cn: &'static str,
        id: i64,
        not_after: Timestamp,
        sans: Vec<String>,
        requester: &'static str,
    }

    impl Record for Row {
        fn value(&self, field: &str) -> Value {
            match field {
                "IssuedCN" => Value::Text(self.cn.into()),
                "Id" => Value::Int(self.id),
                "NotAfter" => Value::Date(self.not_after),
                "SAN" => Value::TextList(self.sans.clone()),
                "RequesterName" => Value::Text(self.requester.into()),
                _ => Value::Null,
            }
        }
    }

    const FIELDS: &[Field] = &[
        field("IssuedCN", FieldKind::Text),
        field("Id", FieldKind::Int),
        field("NotAfter", FieldKind::Date),
        field("SAN", FieldKind::TextList),
        field("RequesterName", FieldKind::Text),
        field("PrincipalName", FieldKind::Text),
    ];

    fn context() -> Context {
        Context {
            now: "2025-06-01T10:00:00Z".parse().expect("valid date"),
            me: "KEYEXAMPLE\\alice".into(),
        }
    }

    fn row() -> Row {
        Row {
            cn: "web01.eu.keyexample.com",
            id: 42,
            not_after: "2025-06-20T08:00:00Z".parse().expect("valid date"),
            sans: vec![
                "web01.eu.keyexample.com".into(),
                "www.keyexample.com".into(),
            ],
            requester: "KEYEXAMPLE\\alice",
        }
    }

    fn matches(query: &str) -> bool {
        Query::parse(query, FIELDS)
            .expect("query parses")
            .matches(&row(), &context())
    }

    #[test]
    fn a_quote_inside_a_literal_is_escaped_by_backslash_or_doubling() {
        for query in [
            r#"IssuedCN -eq "O=""Key"" x""#,
            r#"IssuedCN -eq "O=\"Key\" x""#,
        ] {
            let tokens = tokenize(query).expect("tokenizes");
            assert_eq!(
                tokens.last(),
                Some(&Token::Quoted(r#"O="Key" x"#.into())),
                "{query}"
            );
        }
    }

    #[test]
    fn text_operators_ignore_case() {
        assert!(matches(r#"IssuedCN -eq "WEB01.eu.keyexample.com""#));
        assert!(matches(r#"issuedcn -startswith "web01""#));
        assert!(matches(r#"IssuedCN -endswith ".keyexample.com""#));
        assert!(!matches(r#"IssuedCN -notcontains "eu""#));
    }

    #[test]
    fn numbers_dates_and_today_offsets_compare() {
        assert!(matches("Id -ge 42 AND Id -lt 43"));
        assert!(!matches("Id -gt 42"));
        assert!(matches("NotAfter -le %TODAY+30%"));
        assert!(matches("NotAfter -le %TODAY%+30"));
        assert!(!matches("NotAfter -le %TODAY+7%"));
        assert!(matches(r#"NotAfter -eq "2025-06-20""#));
    }

    #[test]
    fn or_binds_weaker_than_and_and_parentheses_group() {
        assert!(matches(
            r#"Id -eq 1 AND Id -eq 2 OR IssuedCN -contains "web""#
        ));
        assert!(!matches(
            r#"Id -eq 1 AND (Id -eq 2 OR IssuedCN -contains "web")"#
        ));
    }

    #[test]
    fn list_fields_match_any_element_and_null_tests_work() {
        assert!(matches(r#"SAN -eq "www.keyexample.com""#));
        assert!(!matches(r#"SAN -ne "www.keyexample.com""#));
        assert!(matches("PrincipalName -eq NULL"));
        assert!(!matches("IssuedCN -eq NULL"));
        assert!(matches("RequesterName -eq %ME%"));
    }

    #[test]
    fn unknown_fields_and_bad_syntax_are_errors() {
        for bad in [
            r#"Bogus -eq "x""#,
            r#"IssuedCN -like "x""#,
            r#"IssuedCN -eq "unterminated"#,
            "Id -eq abc",
            "IssuedCN -lt \"b\"",
            "(Id -eq 1",
            "Id -eq 1 AND",
            "Id -eq 1 Id -eq 2",
        ] {
            assert!(Query::parse(bad, FIELDS).is_err(), "{bad} should fail");
        }
    }
}
