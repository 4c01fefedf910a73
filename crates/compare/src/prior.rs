//! Which stored study is "the prior".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which study to compare with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Against {
    /// The patient's latest study dated before the current exam (the default).
    #[default]
    Latest,
    /// A named report of the patient.
    Report(String),
    /// The patient's first study (the baseline), when it is before the current exam.
    Baseline,
}

/// Why no prior could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPrior {
    /// The patient has no study dated before the current exam.
    NoneBefore {
        /// The current exam date.
        current: NaiveDate,
        /// The patient's earliest study date, if any.
        earliest: Option<NaiveDate>,
    },
    /// The named report is not one of the patient's studies.
    UnknownReport(String),
    /// The named report is the current study itself, or is not before it.
    NotBefore {
        /// The named report.
        report_id: String,
        /// Its date.
        date: NaiveDate,
    },
}

impl std::fmt::Display for NoPrior {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoPrior::NoneBefore { current, earliest: Some(e) } => write!(
                f,
                "the current exam ({current}) is dated on or before every stored study of the patient (earliest {e}): there is no prior to compare with"
            ),
            NoPrior::NoneBefore { current, earliest: None } => {
                write!(f, "the patient has no stored study before {current}")
            }
            NoPrior::UnknownReport(id) => {
                write!(f, "report {id} is not one of the patient's stored studies")
            }
            NoPrior::NotBefore { report_id, date } => write!(
                f,
                "report {report_id} ({date}) is not before the current exam; compare with an earlier study"
            ),
        }
    }
}

impl std::error::Error for NoPrior {}

/// Index of the prior among `studies` (`(report_id, exam_date)` in any order) for a current
/// exam on `current_date` (with `current_id`, when it is itself stored, never chosen).
/// Studies on the same day as the current exam are not priors.
pub fn choose_prior(
    studies: &[(String, NaiveDate)],
    current_date: NaiveDate,
    current_id: Option<&str>,
    against: &Against,
) -> Result<usize, NoPrior> {
    let before =
        |i: usize| studies[i].1 < current_date && Some(studies[i].0.as_str()) != current_id;
    let earlier: Vec<usize> = (0..studies.len()).filter(|&i| before(i)).collect();
    let none = || NoPrior::NoneBefore {
        current: current_date,
        earliest: studies.iter().map(|s| s.1).min(),
    };
    match against {
        Against::Latest => earlier
            .into_iter()
            .max_by(|&a, &b| {
                studies[a]
                    .1
                    .cmp(&studies[b].1)
                    .then(studies[a].0.cmp(&studies[b].0))
            })
            .ok_or_else(none),
        Against::Baseline => earlier
            .into_iter()
            .min_by(|&a, &b| {
                studies[a]
                    .1
                    .cmp(&studies[b].1)
                    .then(studies[a].0.cmp(&studies[b].0))
            })
            .ok_or_else(none),
        Against::Report(id) => {
            let i = studies
                .iter()
                .position(|s| &s.0 == id)
                .ok_or_else(|| NoPrior::UnknownReport(id.clone()))?;
            if before(i) {
                Ok(i)
            } else {
                Err(NoPrior::NotBefore {
                    report_id: id.clone(),
                    date: studies[i].1,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn latest_baseline_named_and_none() {
        let s = vec![
            ("R2".to_string(), d("2023-03-05")),
            ("R1".to_string(), d("2022-12-15")),
            ("R3".to_string(), d("2023-07-01")),
        ];
        assert_eq!(
            choose_prior(&s, d("2023-06-01"), None, &Against::Latest),
            Ok(0)
        );
        assert_eq!(
            choose_prior(&s, d("2023-06-01"), None, &Against::Baseline),
            Ok(1)
        );
        assert_eq!(
            choose_prior(&s, d("2023-07-01"), Some("R3"), &Against::Latest),
            Ok(0)
        );
        assert_eq!(
            choose_prior(&s, d("2023-06-01"), None, &Against::Report("R1".into())),
            Ok(1)
        );
        assert!(matches!(
            choose_prior(&s, d("2023-06-01"), None, &Against::Report("R3".into())),
            Err(NoPrior::NotBefore { .. })
        ));
        assert!(matches!(
            choose_prior(&s, d("2023-06-01"), None, &Against::Report("R9".into())),
            Err(NoPrior::UnknownReport(_))
        ));
        let e = choose_prior(&s, d("2020-01-01"), None, &Against::Latest).unwrap_err();
        assert!(e.to_string().contains("earliest 2022-12-15"), "{e}");
    }
}
