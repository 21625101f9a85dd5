//! Reads `{"rules":[{"file","text"}],"events":[{"id","record"}]}` on stdin and writes, for every rule, the ids of the
//! events it matches (or why the rule could not be parsed or compiled) as one JSON document on stdout.
//! Each rule is compiled on its own and evaluated with `evaluate_rule` (no index, no pipeline, no logsource pruning).
use std::io::{Read, Write};

use rsigma_eval::{JsonEvent, compile_rule, evaluate_rule};
use rsigma_parser::parse_sigma_yaml;
use serde_json::{Value, json};

const ORACLE: &str = "rsigma-eval 0.23.0";

fn text_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn verdicts(rule_text: &str, events: &[(String, JsonEvent<'_>)]) -> Result<Vec<String>, String> {
    let collection = parse_sigma_yaml(rule_text).map_err(|e| format!("parse: {e}"))?;
    if let Some(error) = collection.errors.first() {
        return Err(format!("parse: {error}"));
    }
    let [rule] = collection.rules.as_slice() else {
        return Err(format!("expected one detection rule, got {}", collection.rules.len()));
    };
    let compiled = compile_rule(rule).map_err(|e| format!("compile: {e}"))?;
    Ok(events
        .iter()
        .filter(|(_, event)| evaluate_rule(&compiled, event).is_some())
        .map(|(id, _)| id.clone())
        .collect())
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("read stdin");
    let request: Value = serde_json::from_str(&input).expect("stdin is not JSON");
    let empty = Vec::new();
    let events: Vec<(String, JsonEvent<'_>)> = request["events"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|event| (text_of(event, "id").to_string(), JsonEvent::borrow(&event["record"])))
        .collect();
    let rules: Vec<Value> = request["rules"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|rule| match verdicts(text_of(rule, "text"), &events) {
            Ok(matches) => json!({ "file": text_of(rule, "file"), "matches": matches }),
            Err(error) => json!({ "file": text_of(rule, "file"), "error": error }),
        })
        .collect();
    let output = json!({ "oracle": ORACLE, "rules": rules });
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &output).expect("write stdout");
    stdout.write_all(b"\n").expect("write stdout");
}
