//! `/mine`, "我的建议 / My suggestions": the suggestions sent from this
//! phone, with their status and the committee's latest public reply, kept
//! in this phone's cookie only (`domain::suggestion::mine`), so a resident
//! needs no receipt codes on paper. What changed since the last look is
//! marked "new reply" here and on the home page; looking here marks it
//! seen. Offline, the service worker shows the copy of this page from the
//! last visit (the last known status).

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::suggestion_text::status_name;
use crate::domain::suggestion::Status;
use crate::i18n::*;
use crate::pages::error::{PageError, TryAgain};
use crate::prefs::use_prefs;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MineLine {
    pub code: String,
    /// Empty when moderated away from the public.
    pub title: String,
    pub status: Status,
    /// The committee's latest public reply, if any.
    pub reply: Option<String>,
    /// More happened than the resident has seen.
    pub news: bool,
}

/// The list, marked seen as it is shown (the cookie is sent back with the
/// page); suggestions that no longer exist leave the list.
#[server]
pub async fn get_mine() -> Result<Vec<MineLine>, PageError> {
    use crate::server::mine;
    let state = crate::pages::error::app_state()?;
    let (before, https) = mine::current();
    if before.is_empty() {
        return Ok(Vec::new());
    }
    let found = mine::suggestions(&state.db, &before).await?;
    let mut after = crate::domain::suggestion::mine::Mine::default();
    let mut lines = Vec::with_capacity(found.len());
    for s in found.into_iter().rev() {
        let steps = mine::steps(&s);
        let news = before.is_news(&s.receipt_code, steps);
        after.add(s.receipt_code.clone(), steps);
        lines.push(MineLine {
            code: s.receipt_code.to_string(),
            title: if s.hidden { String::new() } else { s.title },
            status: s.status,
            reply: s
                .timeline
                .iter()
                .rev()
                .find(|e| !e.reply.is_empty())
                .map(|e| e.reply.clone()),
            news,
        });
    }
    lines.reverse();
    if after != before {
        mine::send(&after, https);
    }
    Ok(lines)
}

/// How many of the phone's suggestions changed since the resident last
/// looked at `/mine`, `None` when the phone has sent none (for the home
/// page); nothing is marked seen.
#[server]
pub async fn mine_news() -> Result<Option<usize>, PageError> {
    use crate::server::mine;
    let state = crate::pages::error::app_state()?;
    let (list, _) = mine::current();
    if list.is_empty() {
        return Ok(None);
    }
    let found = mine::suggestions(&state.db, &list).await?;
    Ok(Some(
        found
            .iter()
            .filter(|s| list.is_news(&s.receipt_code, mine::steps(s)))
            .count(),
    ))
}

/// The home page's way in: "my suggestions", and "new reply" when there is
/// one. Nothing when this phone has sent none, or storage is away.
#[component]
pub fn MineDoor() -> impl IntoView {
    let locale = use_prefs().locale;
    let news = Resource::new(|| (), |_| mine_news());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                news.await.ok().flatten().map(|count| view! {
                    <p class="mine-door">
                        {(count > 0).then(|| view! {
                            <strong class="news-badge" role="status">
                                {td_string!(locale, mine_news_count, count = count).to_string()}
                            </strong>
                            " "
                        })}
                        <a class="button" href="/mine">{td!(locale, mine_title)}</a>
                    </p>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn MinePage() -> impl IntoView {
    let locale = use_prefs().locale;
    let data = Resource::new(|| (), |_| get_mine());
    view! {
        <Title text=td_string!(locale, mine_title).to_string() />
        <section class="page narrow mine">
            <h1>{td!(locale, mine_title)}</h1>
            <p class="lead">{td!(locale, mine_lead)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(lines) if lines.is_empty() => view! {
                            <p class="notice">{td!(locale, mine_empty)}</p>
                            <p class="home-actions">
                                <a class="button button-primary" href="/suggest">{td!(locale, home_suggest)}</a>
                                <a class="button" href="/track">{td!(locale, home_track)}</a>
                            </p>
                        }
                        .into_any(),
                        Ok(lines) => view! {
                            <ol class="mine-list">
                                {lines.into_iter().map(|line| view! { <MineItem line /> }).collect_view()}
                            </ol>
                        }
                        .into_any(),
                        Err(error) => view! { <TryAgain error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MineItem(line: MineLine) -> impl IntoView {
    let locale = use_prefs().locale;
    let code = line.code.clone();
    let title = if line.title.is_empty() {
        td_string!(locale, track_heading_hidden, code = code.clone()).to_string()
    } else {
        line.title.clone()
    };
    view! {
        <li class="mine-item" class:mine-news=line.news>
            <h2 class="mine-title"><a href=format!("/track/{code}")>{title}</a></h2>
            <p class="track-code">{td_string!(locale, track_code_line, code = code.clone()).to_string()}</p>
            <p>
                <span class=format!("status-badge status-{}", line.status.as_str())>
                    {td!(locale, track_status)}" "<strong>{status_name(locale, line.status)}</strong>
                </span>
                {line.news.then(|| view! { " "<strong class="news-badge">{td!(locale, mine_new_reply)}</strong> })}
            </p>
            {line.reply.map(|reply| view! {
                <p class="timeline-reply"><strong>{td!(locale, track_reply)}</strong>" "{reply}</p>
            })}
            <form method="post" action="/mine/remove">
                <input type="hidden" name="code" value=code.clone() />
                <button type="submit" class="button button-small">{td!(locale, mine_remove)}</button>
            </form>
        </li>
    }
}
