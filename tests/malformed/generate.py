#!/usr/bin/env python3
"""Regenerate the malformed-input corpus in this directory.

Run from anywhere: python3 tests/malformed/generate.py
The files are written byte for byte (invalid UTF-8 included), so never edit them by hand.
Every id is synthetic (SYN-...); the reports are invented.
expected.json lists the outcome of every record the readers produce, including the one
produced by expected.json itself (it is a .json file that is not a FHIR resource).
"""
import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

GOOD_TEXT_1 = (
    "CLINICAL HISTORY: 61-year-old with biopsy-proven NSCLC of the right upper lobe, staging.\n"
    "TECHNIQUE: 10.1 mCi 18F-FDG IV, imaging from skull base to mid-thigh after 61 minutes. "
    "Blood glucose 94 mg/dL.\n"
    "COMPARISON: CT chest 2024-01-02.\n"
    "FINDINGS:\n"
    "Head and neck: No hypermetabolic cervical lymph nodes.\n"
    "Chest: Spiculated right upper lobe mass, 3.4 x 2.8 cm, SUVmax 14.2. "
    "Right hilar node 1.3 cm, SUVmax 6.1. No pleural effusion.\n"
    "Abdomen and pelvis: No hypermetabolic hepatic or adrenal lesions.\n"
    "Bones: No suspicious osseous uptake.\n"
    "IMPRESSION:\n"
    "1. Hypermetabolic right upper lobe primary with ipsilateral hilar nodal metastasis.\n"
    "2. No distant metastatic disease."
)

GOOD_TEXT_2 = (
    "INDICATION: Classical Hodgkin lymphoma, interim assessment after 2 cycles of ABVD.\n"
    "TECHNIQUE: 18F-FDG PET/CT.\n"
    "FINDINGS: Residual anterior mediastinal soft tissue with SUVmax 2.4, "
    "below liver background (SUVmax 3.1). No new lesions.\n"
    "IMPRESSION: Complete metabolic response, Deauville 3."
)


def record(rid, pid, date, text, **extra):
    r = {"report_id": rid, "patient_id": pid, "exam_date": date, "text": text}
    r.update(extra)
    return json.dumps(r, ensure_ascii=False).encode("utf-8")


def bad_jsonl():
    lines = []
    expected = []

    def add(line, outcome):
        lines.append(line)
        if outcome is not None:
            expected.append((len(lines), outcome))

    add(record("SYN-R-1001", "SYN-P-1001", "2024-01-09", GOOD_TEXT_1, tracer="FDG"), "ok")
    # Truncated mid-string: not valid JSON.
    add(b'{"report_id":"SYN-R-1002","patient_id":"SYN-P-1002","exam_date":"2024-01-15",'
        b'"text":"FINDINGS: Physiologic', "malformed_json")
    add(b"", None)  # blank line: skipped, not a record
    add(json.dumps({"report_id": "SYN-R-1003", "exam_date": "2024-01-16",
                    "text": GOOD_TEXT_2}).encode(), "missing_field")
    add(record("SYN-R-1004", "SYN-P-1004", "2024-02-30", GOOD_TEXT_2), "invalid_value")
    add(record("SYN-R-1005", "SYN-P-1005", "2024-02-01",
               "INDICATION: Melanoma, surveillance.\nFINDINGS:\n\nIMPRESSION: No evidence of disease."),
        "empty_findings")
    # Raw Latin-1 bytes (0xB5, 0xE9) inside a string: not UTF-8.
    add(b'{"report_id":"SYN-R-1006","patient_id":"SYN-P-1006","exam_date":"2024-02-02",'
        b'"text":"TECHNIQUE: 370 MBq (10 m\xb5Ci) FDG.\\nFINDINGS: L\xe9sion hepatique, SUVmax 5.0."}',
        "invalid_utf8")
    sentence = ("Chest: Stable 4 mm left lower lobe nodule without FDG avidity, "
                "unchanged from the prior examination. ")
    big = "FINDINGS:\n" + sentence * (70000 // len(sentence) + 1)
    assert len(big.encode()) > 65536 and len(big.encode()) < 4 * 65536
    add(record("SYN-R-1007", "SYN-P-1007", "2024-02-03", big), "oversized")
    add(record("SYN-R-1008", "SYN-P-1008", "2024-02-04", GOOD_TEXT_2,
               labels={"cancer_type": "hodgkin_lymphoma", "deauville": 3,
                       "response": "CMR", "timepoint": "interim"}), "ok")

    with open(os.path.join(HERE, "bad.jsonl"), "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    out = []
    record_no = 0
    for line_no, outcome in expected:
        record_no += 1
        entry = {"file": "bad.jsonl", "line": line_no, "record": record_no}
        entry.update({"ok": True} if outcome == "ok" else {"kind": outcome})
        out.append(entry)
    return out


def diagnostic_report(rid, pid, text_bytes, with_subject=True):
    r = {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "status": "final",
        "code": {"text": "FDG PET/CT skull base to mid-thigh"},
        "effectiveDateTime": "2024-03-11T10:42:00+01:00",
        "conclusion": "Hypermetabolic left axillary nodes, suspicious for nodal recurrence.",
        "presentedForm": [{"contentType": "text/plain; charset=utf-8",
                           "data": base64.b64encode(text_bytes).decode()}],
    }
    if with_subject:
        r["subject"] = {"reference": "Patient/" + pid}
    return r


def bad_fhir():
    text = ("CLINICAL HISTORY: Left breast cancer treated 2021, rising CA 15-3.\n"
            "FINDINGS:\nLeft axilla: two hypermetabolic nodes, largest 1.6 cm, SUVmax 7.8.\n"
            "No hepatic or osseous lesions.").encode()
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:syn-1", "resource": diagnostic_report("SYN-R-2001", "SYN-P-2001", text)},
            {"fullUrl": "urn:uuid:syn-2", "resource": {
                "resourceType": "Observation", "id": "SYN-OBS-2002", "status": "final",
                "code": {"text": "SUVmax"}, "valueQuantity": {"value": 7.8}}},
            {"fullUrl": "urn:uuid:syn-3", "resource": diagnostic_report(
                "SYN-R-2003", "SYN-P-2003", text, with_subject=False)},
            {"fullUrl": "urn:uuid:syn-4", "resource": diagnostic_report(
                "SYN-R-2004", "SYN-P-2004", b"FINDINGS:\nL\xe9sion ganglionnaire axillaire gauche.")},
        ],
    }
    with open(os.path.join(HERE, "bad_fhir.json"), "w", encoding="utf-8") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")
    return [
        {"file": "bad_fhir.json", "record": 1, "ok": True},
        {"file": "bad_fhir.json", "record": 2, "kind": "unsupported_resource"},
        {"file": "bad_fhir.json", "record": 3, "kind": "missing_field"},
        {"file": "bad_fhir.json", "record": 4, "kind": "invalid_utf8"},
    ]


def text_files():
    no_findings = (
        "REPORT ID: SYN-R-3001\n"
        "PATIENT ID: SYN-P-3001\n"
        "EXAM DATE: 2024-04-02\n"
        "TRACER: FDG\n"
        "\n"
        "CLINICAL HISTORY: Fever of unknown origin, evaluate for infection.\n"
        "TECHNIQUE: 18F-FDG PET/CT, vertex to toes.\n"
        "IMPRESSION: Intense uptake along the aortic wall, suggestive of large-vessel vasculitis.\n"
    )
    missing_header = (
        "PATIENT ID: SYN-P-3002\n"
        "EXAM DATE: 2024-04-03\n"
        "MODALITY: PET/CT\n"
        "\n"
        "INDICATION: Sarcoidosis, treatment response.\n"
        "FINDINGS: Decreased uptake in mediastinal and hilar nodes, SUVmax 3.2 (previously 8.9).\n"
        "IMPRESSION: Partial metabolic response.\n"
    )
    for name, body in [("no_findings.txt", no_findings), ("missing_header.txt", missing_header)]:
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write(body)
    return [
        {"file": "missing_header.txt", "record": 1, "kind": "missing_field"},
        {"file": "no_findings.txt", "record": 1, "kind": "empty_findings"},
    ]


def main():
    expected = bad_jsonl() + bad_fhir() + text_files()
    expected.append({"file": "expected.json", "record": 1, "kind": "unsupported_resource"})
    expected.sort(key=lambda e: (e["file"], e["record"]))
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join("  " + json.dumps(e) for e in expected))
        f.write("\n]\n")


if __name__ == "__main__":
    main()
