//! `ReportSearch`: SimilarCases, GetReport, PatientTimeline, CaseSummary.

use crate::state::{blocking, AppState};
use crate::status;
use priors_app::REPORTS;
use priors_core::{SearchFilter, SectionKind};
use priors_proto::v1 as pb;
use priors_retrieval::{Hit, Mode, Per, Query};
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub(crate) struct ReportSearchService {
    state: Arc<AppState>,
}

impl ReportSearchService {
    pub(crate) fn new(state: Arc<AppState>) -> Self {
        ReportSearchService { state }
    }
}

/// A stored lesion record, its offsets moved into the text of its report section.
fn lesion_to_pb(l: &priors_core::Lesion, section_index: u32, at: u32) -> pb::Lesion {
    pb::Lesion {
        role: serde_json::to_value(l.role)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        site: l.site.clone(),
        group: l.group.clone(),
        side: l.side.clone().unwrap_or_default(),
        detail: l.detail.clone().unwrap_or_default(),
        size_mm: l.size_mm,
        suv_max: l.suv_max,
        previous_suv_max: l.previous_suv_max,
        is_new: l.new,
        not_disease: l.not_disease,
        section_index,
        start: l.start + at,
        end: l.end + at,
        label: l.label(),
    }
}

/// A protobuf filter as a [`SearchFilter`], validated like the CLI's `--filter`.
pub(crate) fn filter_from(f: Option<pb::Filter>) -> Result<SearchFilter, Status> {
    let mut out = SearchFilter::default();
    let Some(f) = f else { return Ok(out) };
    let pairs = [
        ("tracer", f.tracer),
        ("modality", f.modality),
        ("cancer_type", f.cancer_type),
        ("section", f.section),
        ("since", f.since),
        ("until", f.until),
    ];
    for (key, value) in pairs {
        if value.is_empty() {
            continue;
        }
        out.set(&format!("{key}={value}"))
            .map_err(|e| status::invalid(&format!("filter.{key}"), e.to_string()))?;
    }
    out.patients = f.patients;
    out.exclude_patients = f.exclude_patients;
    Ok(out)
}

pub(crate) fn mode_from(m: i32) -> Result<Mode, Status> {
    match pb::SearchMode::try_from(m) {
        Ok(pb::SearchMode::Unspecified | pb::SearchMode::Hybrid) => Ok(Mode::Hybrid),
        Ok(pb::SearchMode::Bm25) => Ok(Mode::Bm25),
        Ok(pb::SearchMode::Dense) => Ok(Mode::Dense),
        Err(_) => Err(status::invalid("mode", format!("unknown search mode {m}"))),
    }
}

pub(crate) fn hit_to_pb(h: Hit) -> pb::CaseHit {
    pb::CaseHit {
        report_id: h.report_id,
        patient_id: h.patient_id,
        exam_date: h.exam_date.to_string(),
        cancer_type: h.cancer_type.unwrap_or_default(),
        section: h.section.as_str().to_string(),
        snippet: h.snippet,
        score: h.score,
        bm25_rank: h.bm25_rank.map(|r| r as u32),
        dense_rank: h.dense_rank.map(|r| r as u32),
        also: h
            .also
            .into_iter()
            .map(|a| pb::AlsoHit {
                report_id: a.report_id,
                exam_date: a.exam_date.to_string(),
                score: a.score,
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl pb::report_search_server::ReportSearch for ReportSearchService {
    async fn similar_cases(
        &self,
        request: Request<pb::SimilarCasesRequest>,
    ) -> Result<Response<pb::SimilarCasesResponse>, Status> {
        let asked = match &request.get_ref().query {
            Some(pb::similar_cases_request::Query::ReportId(id)) => vec![id.clone()],
            _ => Vec::new(),
        };
        let audit = self.state.audit(&request, Vec::new(), asked);
        audit.finish(self.similar_cases_(request).await)
    }

    async fn get_report(
        &self,
        request: Request<pb::GetReportRequest>,
    ) -> Result<Response<pb::Report>, Status> {
        let asked = vec![request.get_ref().report_id.clone()];
        let audit = self.state.audit(&request, Vec::new(), asked);
        audit.finish(self.get_report_(request).await)
    }

    async fn patient_timeline(
        &self,
        request: Request<pb::PatientTimelineRequest>,
    ) -> Result<Response<pb::PatientTimelineResponse>, Status> {
        let asked = vec![request.get_ref().patient_id.clone()];
        let audit = self.state.audit(&request, asked, Vec::new());
        audit.finish(self.patient_timeline_(request).await)
    }

    async fn case_summary(
        &self,
        request: Request<pb::CaseSummaryRequest>,
    ) -> Result<Response<pb::CaseSummaryResponse>, Status> {
        let asked = vec![request.get_ref().patient_id.clone()];
        let audit = self.state.audit(&request, asked, Vec::new());
        audit.finish(self.case_summary_(request).await)
    }
}

/// The calls proper; the trait methods above wrap each in its audit line.
impl ReportSearchService {
    async fn similar_cases_(
        &self,
        request: Request<pb::SimilarCasesRequest>,
    ) -> Result<Response<pb::SimilarCasesResponse>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let req = request.into_inner();
        let mode = mode_from(req.mode)?;
        let per = match pb::ResultUnit::try_from(req.per) {
            Ok(pb::ResultUnit::Unspecified | pb::ResultUnit::Patient) => Per::Patient,
            Ok(pb::ResultUnit::Report) => Per::Report,
            Err(_) => {
                return Err(status::invalid(
                    "per",
                    format!("unknown result unit {}", req.per),
                ))
            }
        };
        let max_k = self.state.config.retrieval.max_k;
        let k = match req.k as usize {
            0 => 10,
            k if k > max_k => {
                return Err(status::invalid(
                    "k",
                    format!("{k} is above the limit of {max_k}"),
                ))
            }
            k => k,
        };
        let filter = filter_from(req.filter)?;
        let app = self.state.app.clone();
        let hits = match req.query {
            Some(pb::similar_cases_request::Query::Findings(text)) => {
                status::required("findings", &text)?;
                let max = self.state.config.ingest.max_report_bytes;
                if text.len() > max {
                    return Err(status::invalid(
                        "findings",
                        format!("{} bytes; the limit is {max}", text.len()),
                    ));
                }
                blocking(deadline, permit, move || {
                    let query = Query {
                        text,
                        k,
                        mode,
                        filter,
                        per,
                    };
                    app.search(REPORTS, &query).map_err(status::app)
                })
                .await?
            }
            Some(pb::similar_cases_request::Query::ReportId(id)) => {
                status::required("report_id", &id)?;
                blocking(deadline, permit, move || {
                    app.similar(&id, k, mode, filter, per).map_err(status::app)
                })
                .await?
            }
            None => {
                return Err(status::invalid(
                    "query",
                    "set either `findings` or `report_id`",
                ))
            }
        };
        tracing::info!(hits = hits.len(), mode = mode.as_str(), "SimilarCases");
        Ok(Response::new(pb::SimilarCasesResponse {
            hits: hits.into_iter().map(hit_to_pb).collect(),
            mode: mode.as_str().to_string(),
        }))
    }

    async fn get_report_(
        &self,
        request: Request<pb::GetReportRequest>,
    ) -> Result<Response<pb::Report>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let id = request.into_inner().report_id;
        status::required("report_id", &id)?;
        let app = self.state.app.clone();
        let chunks = blocking(deadline, permit, move || {
            app.report(&id).map_err(status::app)
        })
        .await?;
        let first = &chunks[0];
        let mut sections: Vec<pb::ReportSection> = Vec::new();
        let mut lesions: Vec<pb::Lesion> = Vec::new();
        let mut last: Option<SectionKind> = None;
        for c in &chunks {
            let at = match sections.last_mut() {
                Some(s) if last == Some(c.section) => {
                    s.text.push(' ');
                    let at = s.text.len();
                    s.text.push_str(&c.text);
                    at
                }
                _ => {
                    sections.push(pb::ReportSection {
                        kind: c.section.as_str().to_string(),
                        text: c.text.clone(),
                    });
                    0
                }
            };
            last = Some(c.section);
            let section_index = (sections.len() - 1) as u32;
            lesions.extend(
                c.lesions
                    .iter()
                    .map(|l| lesion_to_pb(l, section_index, at as u32)),
            );
        }
        Ok(Response::new(pb::Report {
            report_id: first.report_id.clone(),
            patient_id: first.patient_id.clone(),
            exam_date: first.exam_date.to_string(),
            modality: first.modality.clone(),
            tracer: first.tracer.clone().unwrap_or_default(),
            cancer_type: first.cancer_type.clone().unwrap_or_default(),
            sections,
            content_hash: first.content_hash.clone(),
            lesions,
        }))
    }

    async fn patient_timeline_(
        &self,
        request: Request<pb::PatientTimelineRequest>,
    ) -> Result<Response<pb::PatientTimelineResponse>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let patient_id = request.into_inner().patient_id;
        status::required("patient_id", &patient_id)?;
        let app = self.state.app.clone();
        let pid = patient_id.clone();
        let entries = blocking(deadline, permit, move || {
            app.timeline(&pid).map_err(status::app)
        })
        .await?;
        Ok(Response::new(pb::PatientTimelineResponse {
            patient_id,
            entries: entries
                .into_iter()
                .map(|e| pb::TimelineEntry {
                    report_id: e.report_id,
                    exam_date: e.exam_date.to_string(),
                    modality: e.modality,
                    tracer: e.tracer.unwrap_or_default(),
                    cancer_type: e.cancer_type.unwrap_or_default(),
                    deauville: e.deauville.map(u32::from),
                    suv_max: e.suv_max,
                    impression: e.impression.unwrap_or_default(),
                })
                .collect(),
        }))
    }

    async fn case_summary_(
        &self,
        request: Request<pb::CaseSummaryRequest>,
    ) -> Result<Response<pb::CaseSummaryResponse>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let req = request.into_inner();
        status::required("patient_id", &req.patient_id)?;
        let k = if req.similar_k == 0 {
            5
        } else {
            req.similar_k as usize
        };
        if k > 50 {
            return Err(status::invalid(
                "similar_k",
                format!("{k} is above the limit of 50"),
            ));
        }
        let app = self.state.app.clone();
        let summary = blocking(deadline, permit, move || {
            app.case_summary(&req.patient_id, k).map_err(status::app)
        })
        .await?;
        tracing::info!(
            studies = summary.studies.len(),
            similar = summary.similar_patients.len(),
            "CaseSummary"
        );
        Ok(Response::new(crate::case::to_pb(summary)))
    }
}

impl crate::audit::Disclosed for pb::SimilarCasesResponse {
    fn disclosed(&self) -> (Vec<String>, Vec<String>) {
        let patients = self.hits.iter().map(|h| h.patient_id.clone()).collect();
        let reports = self
            .hits
            .iter()
            .flat_map(|h| {
                std::iter::once(h.report_id.clone())
                    .chain(h.also.iter().map(|a| a.report_id.clone()))
            })
            .collect();
        (patients, reports)
    }
}

impl crate::audit::Disclosed for pb::Report {
    fn disclosed(&self) -> (Vec<String>, Vec<String>) {
        (vec![self.patient_id.clone()], vec![self.report_id.clone()])
    }
}

impl crate::audit::Disclosed for pb::PatientTimelineResponse {
    fn disclosed(&self) -> (Vec<String>, Vec<String>) {
        (
            vec![self.patient_id.clone()],
            self.entries.iter().map(|e| e.report_id.clone()).collect(),
        )
    }
}

impl crate::audit::Disclosed for pb::CaseSummaryResponse {
    fn disclosed(&self) -> (Vec<String>, Vec<String>) {
        let mut patients = vec![self.patient_id.clone()];
        let mut reports: Vec<String> = self.studies.iter().map(|s| s.report_id.clone()).collect();
        for s in &self.similar_patients {
            patients.push(s.patient_id.clone());
            reports.push(s.report_id.clone());
            if let Some(n) = &s.next {
                reports.push(n.report_id.clone());
            }
        }
        (patients, reports)
    }
}
