//! The timeline picture of a failure's replay.

use mapisync::testing::{Call, SyncRun};
use mapisync::HResult;

/// The replay's timeline as one SVG picture (the one function the HTML report draws with).
pub fn timeline_svg(run: &SyncRun) -> String {
    let records = run.records();
    let step = 96;
    let width = 80 + step * records.len().max(1);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" \
         height=\"90\" viewBox=\"0 0 {width} 90\" role=\"img\" aria-label=\"call timeline\">\
         <line x1=\"10\" y1=\"40\" x2=\"{}\" y2=\"40\" stroke=\"#888\"/>",
        width - 10
    );
    for (i, record) in records.iter().enumerate() {
        let x = 50 + step * i;
        let (label, color) = match &record.call {
            Call::Progress { index, max, .. } => (format!("P {index}/{max}"), "#2b6cb0"),
            Call::Error { .. } => ("Error".to_owned(), "#c05621"),
            Call::Done { .. } => ("Done".to_owned(), "#2f855a"),
            Call::Refused { .. } => ("refused".to_owned(), "#718096"),
        };
        let refused = record.answer != HResult::S_OK;
        let stroke = if refused { "#c53030" } else { color };
        svg.push_str(&format!(
            "<circle cx=\"{x}\" cy=\"40\" r=\"9\" fill=\"{color}\" stroke=\"{stroke}\" \
             stroke-width=\"{}\"/><text x=\"{x}\" y=\"20\" font-size=\"11\" \
             text-anchor=\"middle\">#{} {label}</text>",
            if refused { 4 } else { 1 },
            record.seq
        ));
        if refused {
            let answer = record.answer.name().unwrap_or("failure");
            let answer = answer.strip_prefix("MAPI_E_").unwrap_or(answer);
            svg.push_str(&format!(
                "<text x=\"{x}\" y=\"70\" font-size=\"9\" fill=\"#c53030\" \
                 text-anchor=\"middle\">{answer}</text>"
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}
