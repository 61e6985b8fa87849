//! `/review/s/{code}`: one suggestion as the committee sees it — contact
//! details, every photo, the place, nearby suggestions (to mark duplicates),
//! the audit trail — with the forms that change it.

use leptos::prelude::*;

use crate::pages::error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{failed, Csrf, ReviewBar, Signed};
use crate::components::mistakes::Mistakes;
use crate::components::suggestion_text::{category_name, date_text, status_name};
use crate::domain::review::workflow::{next_statuses, SHORT_TEXT_MAX, TEXT_MAX};
use crate::domain::review::{AuditEvent, Member, ReviewedSuggestion, Template};
use crate::domain::suggestion::SuggestionSummary;
use crate::i18n::*;
use crate::prefs::use_locale;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    pub signed: Signed,
    pub suggestion: ReviewedSuggestion,
    pub nearby: Vec<SuggestionSummary>,
    pub templates: Vec<Template>,
    pub members: Vec<Member>,
    /// Every community (code, name), to hand a suggestion on to.
    pub communities: Vec<(String, String)>,
}

#[server]
pub async fn review_suggestion(code: String) -> Result<Option<Detail>, PageError> {
    use crate::domain::suggestion::ReceiptCode;
    use crate::server::review::{self, ReviewError};
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let Some(code) = ReceiptCode::parse(&code) else {
        return Ok(None);
    };
    let suggestion = match review::load(&state.db, &signed.member, &code).await {
        Ok(s) => s,
        Err(ReviewError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let nearby = match suggestion.location {
        Some(at) => crate::server::suggestions::nearby_any_category(&state.db, at, &code).await?,
        None => Vec::new(),
    };
    let templates = state.db.templates(&suggestion.community).await?;
    let members = state.db.community_members(&suggestion.community).await?;
    let english = crate::prefs::use_prefs().english();
    let communities = state.catalog.snapshot().community_names(english, |_| true);
    Ok(Some(Detail {
        communities,
        signed,
        suggestion,
        nearby,
        templates,
        members,
    }))
}

#[component]
pub fn ReviewDetailPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let data = Resource::new(code, review_suggestion);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(detail)) => view! { <DetailView detail /> }.into_any(),
                    Ok(None) => {
                        crate::pages::not_found::answer_not_found();
                        view! {
                            <section class="page narrow">
                                <h1>{td!(locale, track_not_found)}</h1>
                                <p><a href="/review">{td!(locale, review_inbox)}</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => failed(e, &format!("/review/s/{}", code())),
                }
            })}
        </Suspense>
    }
}

fn event_text(locale: Locale, e: &AuditEvent) -> String {
    match e.kind.as_str() {
        "created" => td_string!(locale, audit_created).to_string(),
        "status" => td_string!(
            locale,
            audit_status,
            from = e.from_status.map(|s| status_name(locale, s)).unwrap_or_default(),
            to = e.to_status.map(|s| status_name(locale, s)).unwrap_or_default()
        )
        .to_string(),
        "reply" => td_string!(locale, audit_reply).to_string(),
        "note" => td_string!(locale, audit_note).to_string(),
        "assign" => td_string!(locale, audit_assign).to_string(),
        "hide" | "hide_photo" => td_string!(locale, audit_hide).to_string(),
        "unhide" | "unhide_photo" => td_string!(locale, audit_unhide).to_string(),
        "duplicate_linked" => td_string!(locale, audit_duplicate_linked).to_string(),
        "community_changed" => td_string!(locale, audit_community_changed).to_string(),
        "community_confirmed" => td_string!(locale, audit_community_confirmed).to_string(),
        other => other.to_string(),
    }
}

/// A refused action's `?error=` code (`ReviewError::refusal`): the input
/// it is about, if one, and what to say.
fn refusal(locale: Locale, code: &str) -> (Option<&'static str>, String) {
    let text = |max: usize| td_string!(locale, review_err_text, max = max).to_string();
    match code {
        "status" => (Some("to"), td_string!(locale, review_err_status).to_string()),
        "reason" => (Some("reply"), td_string!(locale, review_err_reason).to_string()),
        "duplicate" => (
            Some("duplicate_of"),
            td_string!(locale, review_err_duplicate).to_string(),
        ),
        "reply" => (Some("reply"), text(TEXT_MAX)),
        "reply_only" => (Some("reply-only"), text(TEXT_MAX)),
        "note" => (Some("note"), text(TEXT_MAX)),
        "hide_reason" => (Some("hide-reason"), text(SHORT_TEXT_MAX)),
        "hand_reason" => (Some("hand-reason"), text(SHORT_TEXT_MAX)),
        "assignee" => (Some("assignee"), td_string!(locale, review_err_assignee).to_string()),
        "conflict" => (None, td_string!(locale, review_err_conflict).to_string()),
        _ => (None, td_string!(locale, review_action_failed).to_string()),
    }
}

#[component]
fn DetailView(detail: Detail) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let flag = |k: &str| query.with_untracked(|q| q.get(k));
    let s = detail.suggestion;
    let code = s.receipt_code.to_string();
    let csrf = detail.signed.csrf.clone();
    let action = move |what: &str| format!("/review/s/{code}/{what}", code = s.receipt_code);
    let next = next_statuses(s.status);
    let refused = flag("error").map(|code| refusal(locale, &code));
    let wrong = refused
        .clone()
        .map(|(input, text)| Mistakes::one(input, text))
        .unwrap_or_default();
    let notice = match (flag("done"), refused) {
        (_, Some((_, text))) => Some((true, text)),
        (Some(_), _) => Some((false, td_string!(locale, review_action_done).to_string())),
        _ => None,
    };
    let facts = view! {
            {notice.map(|(error, text)| {
                let (class, role) = if error { ("notice notice-error", "alert") } else { ("notice", "status") };
                view! { <p class=class role=role id=error.then_some("action-error")>{text}</p> }
            })}
            <p class="track-code">{code.clone()}" · "{s.community.clone()}</p>
            <h1>{s.title.clone()}</h1>
            <p class=format!("status-badge status-{}", s.status.as_str())>
                {td!(locale, track_status)}" "<strong>{status_name(locale, s.status)}</strong>
            </p>
            {s.hidden.then(|| view! { <p class="notice notice-error">{td!(locale, review_hidden_badge)}</p> })}
            {s.community_guessed.then(|| view! { <p class="notice notice-warning" role="status">"? "{td!(locale, review_guessed)}</p> })}
            {assisted_text(locale, s.source, s.filed_by.as_deref()).map(|t| view! { <p class="notice" id="assisted">{t}</p> })}
            <dl class="review">
                <div class="review-row"><dt>{td!(locale, step_category)}</dt><dd>{category_name(locale, s.category)}</dd></div>
                <div class="review-row"><dt>{td!(locale, review_filed)}</dt><dd>{date_text(locale, s.created_at)}</dd></div>
                <div class="review-row"><dt>{td!(locale, step_place)}</dt><dd>
                    {s.location_text.clone()}
                    {s.location.map(|p| view! { " "<span class="coords">{format!("{:.5}, {:.5}", p.lat, p.lng)}</span> })}
                </dd></div>
                <div class="review-row"><dt>{td!(locale, step_contact)}</dt><dd class="contact">
                    {if s.contact_name.is_empty() && s.contact_phone.is_empty() {
                        td_string!(locale, suggest_contact_none).to_string()
                    } else {
                        format!("{} {}", s.contact_name, s.contact_phone)
                    }}
                    {(!s.contact_phone.is_empty()).then(|| view! { " "<a href=format!("tel:{}", s.contact_phone)>{td!(locale, review_call)}</a> })}
                </dd></div>
                <div class="review-row"><dt>{td!(locale, review_supporters)}</dt><dd>{s.supports}</dd></div>
            </dl>
            {(!s.description.is_empty()).then(|| view! { <p class="track-description">{s.description.clone()}</p> })}
            {(!s.photos.is_empty()).then(|| view! {
                <ul class="photo-list">
                    {s.photos.iter().map(|p| {
                        let hide_label = if p.hidden { td_string!(locale, review_show) } else { td_string!(locale, review_hide) }.to_string();
                        view! {
                            <li>
                                <img src=format!("/review/photos/{}.jpg", p.key) width=p.width height=p.height
                                    alt=td_string!(locale, suggest_photo_alt, n = p.position + 1).to_string() />
                                {p.hidden.then(|| view! { <p class="field-error">{td!(locale, review_hidden_badge)}</p> })}
                                <form method="post" action=action(&format!("photos/{}/hide", p.position))>
                                    <Csrf token=csrf.clone() />
                                    <input type="hidden" name="hidden" value=if p.hidden { "0" } else { "1" } />
                                    {(!p.hidden).then(|| view! {
                                        <label class="visually-hidden" for=format!("photo-reason-{}", p.position)>{td!(locale, review_reason)}</label>
                                        <input type="text" id=format!("photo-reason-{}", p.position) name="reason" maxlength="200"
                                            placeholder=td_string!(locale, review_reason).to_string() />
                                    })}
                                    <button type="submit" class="button button-small">{hide_label}</button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}

    }
    .into_any();
    let forms = view! {
            <h2>{td!(locale, review_change_status)}</h2>
            <form class="suggest-form" method="post" action=action("status")>
                <Csrf token=csrf.clone() />
                <label for="to">{td!(locale, review_new_status)}</label>
                <select id="to" name="to" aria-invalid=wrong.invalid("to") aria-describedby=wrong.described("to", None) autofocus=wrong.first("to")>
                    {next.iter().map(|st| view! { <option value=st.as_str()>{status_name(locale, *st)}</option> }).collect_view()}
                </select>
                {wrong.message("to")}
                <label for="duplicate_of">{td!(locale, review_duplicate_of)}</label>
                <input type="text" id="duplicate_of" name="duplicate_of" maxlength="16" autocapitalize="characters"
                    aria-invalid=wrong.invalid("duplicate_of") aria-describedby=wrong.described("duplicate_of", None)
                    autofocus=wrong.first("duplicate_of") />
                {wrong.message("duplicate_of")}
                <label for="template">{td!(locale, review_template)}</label>
                <select id="template" name="template">
                    <option value="">"—"</option>
                    {detail.templates.iter().map(|t| view! { <option value=t.id.to_string()>{t.title.clone()}</option> }).collect_view()}
                </select>
                <label for="reply">{td!(locale, review_public_reply)}</label>
                <p class="field-hint" id="reply-hint">{td!(locale, review_public_reply_hint)}</p>
                <textarea id="reply" name="reply" rows="4" maxlength="2000" aria-invalid=wrong.invalid("reply")
                    aria-describedby=wrong.described("reply", Some("reply-hint")) autofocus=wrong.first("reply")></textarea>
                {wrong.message("reply")}
                <div class="form-nav">
                    <button type="submit" class="button button-primary">{td!(locale, review_save)}</button>
                </div>
            </form>

            <h2>{td!(locale, review_reply_only)}</h2>
            <form class="suggest-form" method="post" action=action("reply")>
                <Csrf token=csrf.clone() />
                <label for="reply-only">{td!(locale, review_public_reply)}</label>
                <textarea id="reply-only" name="reply" rows="3" maxlength="2000" required aria-invalid=wrong.invalid("reply-only")
                    aria-describedby=wrong.described("reply-only", None) autofocus=wrong.first("reply-only")></textarea>
                {wrong.message("reply-only")}
                <button type="submit" class="button">{td!(locale, review_send_reply)}</button>
            </form>

            <h2>{td!(locale, review_note)}</h2>
            <form class="suggest-form" method="post" action=action("note")>
                <Csrf token=csrf.clone() />
                <label for="note">{td!(locale, review_note_label)}</label>
                <textarea id="note" name="note" rows="3" maxlength="2000" required aria-invalid=wrong.invalid("note")
                    aria-describedby=wrong.described("note", None) autofocus=wrong.first("note")></textarea>
                {wrong.message("note")}
                <button type="submit" class="button">{td!(locale, review_add_note)}</button>
            </form>

            <h2>{td!(locale, review_assign)}</h2>
            <form class="suggest-form" method="post" action=action("assign")>
                <Csrf token=csrf.clone() />
                <label for="assignee">{td!(locale, review_assign_to)}</label>
                <select id="assignee" name="username" aria-invalid=wrong.invalid("assignee")
                    aria-describedby=wrong.described("assignee", None) autofocus=wrong.first("assignee")>
                    <option value="">{td_string!(locale, review_nobody).to_string()}</option>
                    {detail.members.iter().map(|m| {
                        let sel = s.assigned_to.as_deref() == Some(m.username.as_str());
                        view! { <option value=m.username.clone() selected=sel>{m.username.clone()}</option> }
                    }).collect_view()}
                </select>
                {wrong.message("assignee")}
                <button type="submit" class="button">{td!(locale, review_save)}</button>
            </form>

            <h2>{td!(locale, review_hand_over)}</h2>
            {s.community_guessed.then(|| view! {
                <form class="suggest-form" method="post" action=action("community")>
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="to" value=s.community.clone() />
                    <button type="submit" class="button">{td!(locale, review_confirm_community)}</button>
                </form>
            })}
            <form class="suggest-form" method="post" action=action("community")>
                <Csrf token=csrf.clone() />
                <label for="hand-to">{td!(locale, review_hand_over_to)}</label>
                <select id="hand-to" name="to">
                    {detail.communities.iter().filter(|(c, _)| *c != s.community).map(|(c, n)| view! {
                        <option value=c.clone()>{format!("{n} ({c})")}</option>
                    }).collect_view()}
                </select>
                <label for="hand-reason">{td!(locale, review_reason)}</label>
                <input type="text" id="hand-reason" name="reason" maxlength="200" aria-invalid=wrong.invalid("hand-reason")
                    aria-describedby=wrong.described("hand-reason", None) autofocus=wrong.first("hand-reason") />
                {wrong.message("hand-reason")}
                <button type="submit" class="button">{td!(locale, review_hand_over_button)}</button>
            </form>

            <h2>{td!(locale, review_moderation)}</h2>
            <form class="suggest-form" method="post" action=action("hide")>
                <Csrf token=csrf.clone() />
                <input type="hidden" name="hidden" value=if s.hidden { "0" } else { "1" } />
                {(!s.hidden).then(|| view! {
                    <label for="hide-reason">{td!(locale, review_reason)}</label>
                    <input type="text" id="hide-reason" name="reason" maxlength="200" required aria-invalid=wrong.invalid("hide-reason")
                        aria-describedby=wrong.described("hide-reason", None) autofocus=wrong.first("hide-reason") />
                    {wrong.message("hide-reason")}
                })}
                <button type="submit" class="button">
                    {if s.hidden { td_string!(locale, review_unhide_suggestion) } else { td_string!(locale, review_hide_suggestion) }.to_string()}
                </button>
            </form>

    }
    .into_any();
    let rest = view! {
            {(!detail.nearby.is_empty()).then(|| view! {
                <h2>{td!(locale, review_nearby)}</h2>
                <ul class="cards">
                    {detail.nearby.iter().map(|n| view! {
                        <li class="card">
                            <a href=format!("/review/s/{}", n.receipt_code)>{n.title.clone()}</a>
                            <p class="card-kind">
                                {n.receipt_code.to_string()}" · "{category_name(locale, n.category)}" · "{status_name(locale, n.status)}" · "
                                {td_string!(locale, suggest_metres_away, metres = n.distance_m.unwrap_or(0.0).round() as i64).to_string()}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {s.duplicate_of.clone().map(|d| view! {
                <p>{td!(locale, track_duplicate_of)}" "<a href=format!("/review/s/{d}")>{d.to_string()}</a></p>
            })}
            {(!s.duplicates.is_empty()).then(|| view! {
                <p>{td!(locale, review_duplicates)}" "
                    {s.duplicates.iter().map(|d| view! { <a href=format!("/review/s/{d}")>{d.to_string()}</a>" " }).collect_view()}
                </p>
            })}

            <h2>{td!(locale, review_audit)}</h2>
            <ol class="timeline audit">
                {s.events.iter().map(|e| view! {
                    <li>
                        <span class="timeline-date">
                            {date_text(locale, e.at)}" · "
                            {e.actor.clone().unwrap_or_else(|| td_string!(locale, audit_resident).to_string())}
                        </span>
                        <strong>{event_text(locale, e)}</strong>
                        {(!e.public_text.is_empty()).then(|| view! { <p class="timeline-reply">{e.public_text.clone()}</p> })}
                        {(!e.private_text.is_empty()).then(|| view! { <p class="timeline-note">{e.private_text.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            <p><a href=format!("/track/{code}")>{td!(locale, review_public_view)}</a></p>
    }
    .into_any();
    view! {
        <Title text=s.title.clone() />
        <ReviewBar signed=detail.signed.clone() />
        <section class="page review-detail">{facts}{forms}{rest}</section>
    }
}

/// "Filed by yulin for a resident who phoned", or nothing for the
/// resident's own.
pub fn assisted_text(locale: Locale, source: crate::domain::suggestion::Source, by: Option<&str>) -> Option<String> {
    use crate::domain::suggestion::Source;
    let by = by.unwrap_or("—").to_string();
    match source {
        Source::Online => None,
        Source::Phone => Some(td_string!(locale, assist_by_phone, username = by).to_string()),
        Source::Visit => Some(td_string!(locale, assist_by_visit, username = by).to_string()),
        Source::Open311 => Some(td_string!(locale, assist_by_open311, key = by).to_string()),
    }
}
