//! `/review/coverage?kind=meal&minutes=15&pace=normal[&community=…][&k=3]`:
//! how many residents, and how many aged 60+, live within a walk of the
//! nearest point of each kind; which compounds do not; and, asked, where
//! the next points would help most. A committee member sees their own
//! community; an admin any one, or all. Plain GET forms: it works without
//! JavaScript, and every view is a link that can be shared with a colleague.

use leptos::prelude::*;

use crate::pages::error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{failed, ReviewBar, Signed};
use crate::components::services::kind_name;
use crate::domain::coverage::{Tally, MAX_SITES};
use crate::domain::facility::Kind;
use crate::domain::projection::{MapFrame, VIEW};
use crate::domain::walking::Pace;
use crate::i18n::*;
use crate::prefs::use_locale;

/// Gaps listed on the page; the figures count every one.
const GAPS_LISTED: usize = 30;

/// The radii and paces compared side by side.
pub const COLUMNS: [(u32, Pace); 4] = [
    (15, Pace::Normal),
    (15, Pace::Elderly),
    (30, Pace::Normal),
    (30, Pace::Elderly),
];

/// What the address asks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageAsk {
    pub kind: Option<String>,
    pub minutes: Option<String>,
    pub pace: Option<String>,
    pub community: Option<String>,
    pub k: Option<String>,
    /// What if a point opened next to this compound (its id)?
    pub open: Option<String>,
    /// What if this point (a facility id) closed?
    pub close: Option<String>,
}

/// One compound as the page draws and lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompoundRow {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub residents: u32,
    pub elderly: u32,
    /// Walking minutes to the nearest point of the kind; `None`: none exists.
    pub walk_minutes: Option<u32>,
    pub covered: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteRow {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub elderly_gain: u64,
    pub residents_gain: u64,
}

/// A change tried before anything is saved, and what it would do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhatIfView {
    /// The compound a point would open next to, or the point that would close.
    pub opened_at: Option<String>,
    pub closed: Option<String>,
    pub before: Tally,
    pub after: Tally,
    /// Compounds whose coverage the change turns (in or out).
    pub changed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageView {
    pub signed: Signed,
    pub kind: Kind,
    pub minutes: u32,
    pub pace: Pace,
    /// The community shown; `None`: all (admins).
    pub community: Option<String>,
    /// What an admin may pick: code and name.
    pub communities: Vec<(String, String)>,
    /// Per kind, the tallies in [`COLUMNS`] order.
    pub shares: Vec<(Kind, Vec<Tally>)>,
    pub total: Tally,
    pub compounds: Vec<CompoundRow>,
    /// Indices into `compounds`, most elderly first.
    pub gaps: Vec<usize>,
    pub k: Option<usize>,
    pub sites: Vec<SiteRow>,
    /// Compounds out of reach to open a point next to: id and name.
    pub open_choices: Vec<(i64, String)>,
    /// Points of the kind that could close: id and name.
    pub close_choices: Vec<(i64, String)>,
    pub what_if: Option<WhatIfView>,
}

fn parse_kind(s: Option<&str>) -> Kind {
    s.and_then(Kind::parse).unwrap_or(Kind::Meal)
}

/// The question the address asks: meal points, 15 minutes and the normal
/// pace unless it says otherwise.
#[cfg(feature = "ssr")]
pub fn question(ask: &CoverageAsk) -> crate::server::coverage::Question {
    crate::server::coverage::Question {
        kind: parse_kind(ask.kind.as_deref()),
        minutes: if ask.minutes.as_deref() == Some("30") { 30 } else { 15 },
        pace: ask.pace.as_deref().and_then(Pace::parse).unwrap_or_default(),
    }
}

/// The community a member may see: a committee member their own whatever
/// the address says; an admin the one asked for (if it exists), or all.
#[cfg(feature = "ssr")]
pub fn community_shown(
    member: &crate::domain::review::Member,
    ask: &CoverageAsk,
    snapshot: &crate::server::catalog::Snapshot,
) -> Option<String> {
    match member.scope() {
        Some(own) => Some(own.to_string()),
        None => ask.community.clone().filter(|c| snapshot.community(c).is_some()),
    }
}

#[server]
pub async fn review_coverage(ask: CoverageAsk) -> Result<CoverageView, PageError> {
    use crate::domain::coverage::coverage;
    use crate::server::coverage::{answer, changed_index, nearest_m, sites_given, walk_and_covered, Question, WhatIf};
    let signed = super::signed().await?;
    let state = crate::pages::error::app_state()?;
    let english = crate::prefs::use_prefs().english();
    let snapshot = state.catalog.snapshot();
    let q = question(&ask);
    let Question { kind, minutes, pace } = q;
    let community = community_shown(&signed.member, &ask, &snapshot);
    let k = ask
        .k
        .and_then(|k| k.parse::<usize>().ok())
        .map(|k| k.clamp(1, MAX_SITES));
    let residences = state.db.residences(community.as_deref()).await?;
    let index = &snapshot.index;
    // The nearest point of each kind from each compound, measured once:
    // every share, the map, the gaps and the sites read from it.
    let nearest: Vec<Vec<Option<f64>>> = Kind::ALL.map(|k| nearest_m(index, k, &residences)).into();
    let nearest_of = |k: Kind| &nearest[Kind::ALL.iter().position(|&x| x == k).unwrap_or_default()];
    let shares = Kind::ALL
        .into_iter()
        .map(|kind| {
            let tallies = COLUMNS
                .iter()
                .map(|&(minutes, pace)| coverage(&residences, nearest_of(kind), minutes, pace).total)
                .collect();
            (kind, tallies)
        })
        .collect();
    let chosen = coverage(&residences, nearest_of(kind), minutes, pace);
    let points: Vec<_> = residences.iter().map(|r| r.location).collect();
    let frame = MapFrame::around(&points, 500.0);
    let (walk, covered) = walk_and_covered(nearest_of(kind), q);
    let compounds = residences
        .iter()
        .zip(&walk)
        .enumerate()
        .map(|(i, (r, &walk_minutes))| {
            let (x, y) = frame.project(r.location);
            CompoundRow {
                name: r.name(english).to_string(),
                x,
                y,
                residents: r.residents,
                elderly: r.elderly,
                walk_minutes,
                covered: covered[i],
            }
        })
        .collect();
    let sites = match k {
        Some(k) => sites_given(&residences, nearest_of(kind), q, k)
            .into_iter()
            .map(|s| {
                let r = &residences[s.index];
                let (x, y) = frame.project(r.location);
                SiteRow {
                    name: r.name(english).to_string(),
                    x,
                    y,
                    elderly_gain: s.elderly_gain,
                    residents_gain: s.residents_gain,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let open_choices: Vec<(i64, String)> = chosen
        .gaps
        .iter()
        .take(GAPS_LISTED)
        .map(|g| (residences[g.index].id, residences[g.index].name(english).to_string()))
        .collect();
    let close_choices: Vec<(i64, String)> = index
        .facilities()
        .iter()
        .filter(|f| f.kind() == kind && community.as_deref().is_none_or(|c| f.community == c))
        .map(|f| (f.id, f.name(english).to_string()))
        .collect();
    let id = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<i64>().ok());
    let opened = id(&ask.open).and_then(|id| residences.iter().find(|r| r.id == id));
    let closed = id(&ask.close).and_then(|id| close_choices.iter().find(|(f, _)| *f == id));
    let change = match (opened, closed) {
        (Some(r), _) => Some(WhatIf::Open(r.location)),
        (None, Some((id, _))) => Some(WhatIf::Close(*id)),
        (None, None) => None,
    };
    let what_if = change
        .and_then(|change| changed_index(index, kind, change))
        .map(|changed| {
            let after = answer(&changed, &residences, q);
            let out_after: std::collections::HashSet<usize> = after.gaps.iter().map(|g| g.index).collect();
            WhatIfView {
                opened_at: opened.map(|r| r.name(english).to_string()),
                closed: if opened.is_none() {
                    closed.map(|(_, name)| name.clone())
                } else {
                    None
                },
                before: chosen.total,
                after: after.total,
                changed: (0..residences.len())
                    .filter(|&i| covered[i] == out_after.contains(&i))
                    .map(|i| residences[i].name(english).to_string())
                    .collect(),
            }
        });
    Ok(CoverageView {
        communities: match signed.member.scope() {
            Some(_) => Vec::new(),
            None => snapshot.community_names(english, |_| true),
        },
        signed,
        kind,
        minutes,
        pace,
        community,
        shares,
        total: chosen.total,
        compounds,
        gaps: chosen.gaps.iter().map(|g| g.index).collect(),
        k,
        sites,
        open_choices,
        close_choices,
        what_if,
    })
}

#[component]
pub fn ReviewCoveragePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let ask = move || {
        query.with(|q| CoverageAsk {
            kind: q.get("kind"),
            minutes: q.get("minutes"),
            pace: q.get("pace"),
            community: q.get("community"),
            k: q.get("k"),
            open: q.get("open"),
            close: q.get("close"),
        })
    };
    let data = Resource::new(ask, review_coverage);
    view! {
        <Title text=td_string!(locale, cov_title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <CoverageBody view /> }.into_any(),
                    Err(e) => failed(e, "/review/coverage"),
                }
            })}
        </Suspense>
    }
}

fn pace_name(locale: Locale, pace: Pace) -> String {
    match pace {
        Pace::Normal => td_string!(locale, pace_normal),
        Pace::Elderly => td_string!(locale, pace_elderly),
    }
    .to_string()
}

#[component]
fn CoverageBody(view: CoverageView) -> impl IntoView {
    let locale = use_locale();
    let t = view.total;
    let summary = td_string!(
        locale,
        cov_summary,
        kind = kind_name(locale, view.kind),
        minutes = view.minutes,
        pace = pace_name(locale, view.pace),
        elderly_covered = t.elderly_covered,
        elderly = t.elderly,
        elderly_share = t.elderly_percent(),
        covered = t.residents_covered,
        residents = t.residents,
        share = t.residents_percent()
    )
    .to_string();
    let empty = view.compounds.is_empty();
    let csv_href = format!(
        "/review/coverage.csv?kind={}&minutes={}&pace={}{}",
        view.kind.as_str(),
        view.minutes,
        view.pace.as_str(),
        view.community
            .as_deref()
            .map(|c| format!("&community={c}"))
            .unwrap_or_default()
    );
    view! {
        <ReviewBar signed=view.signed.clone() />
        <section class="page review coverage">
            <h1>{td!(locale, cov_title)}</h1>
            <p>{td!(locale, cov_intro)}</p>
            <Ask view=view.clone() />
            {if empty {
                view! { <p class="notice">{td!(locale, cov_no_compounds)}</p> }.into_any()
            } else {
                view! {
                    <p class="coverage-summary" role="status">{summary}</p>
                    <p>
                        <a class="button button-small" href=csv_href download="">{td!(locale, cov_csv)}</a>
                    </p>
                    <Shares shares=view.shares.clone() />
                    <CoverageMap view=view.clone() />
                    <Sites view=view.clone() />
                    <WhatIfSection view=view.clone() />
                    <Gaps view />
                }
                .into_any()
            }}
        </section>
    }
}

/// The question, as a GET form.
#[component]
fn Ask(view: CoverageView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <form class="filters coverage-ask" method="get" action="/review/coverage">
            {(!view.communities.is_empty()).then(|| view! {
                <label for="cov-community">{td!(locale, cov_community)}</label>
                <select id="cov-community" name="community">
                    <option value="" selected=view.community.is_none()>{td!(locale, cov_all_communities)}</option>
                    {view.communities.iter().map(|(code, name)| view! {
                        <option value=code.clone() selected=view.community.as_deref() == Some(code.as_str())>{name.clone()}</option>
                    }).collect_view()}
                </select>
            })}
            <fieldset class="choices">
                <legend>{td!(locale, filter_kind)}</legend>
                {Kind::ALL.into_iter().map(|k| view! {
                    <label class="choice">
                        <input type="radio" name="kind" value=k.as_str() checked=k == view.kind />
                        <span>{kind_name(locale, k)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset class="choices">
                <legend>{td!(locale, filter_minutes)}</legend>
                <label class="choice">
                    <input type="radio" name="minutes" value="15" checked=view.minutes == 15 />
                    <span>{td!(locale, filter_minutes_15)}</span>
                </label>
                <label class="choice">
                    <input type="radio" name="minutes" value="30" checked=view.minutes == 30 />
                    <span>{td!(locale, filter_minutes_30)}</span>
                </label>
            </fieldset>
            <fieldset class="choices">
                <legend>{td!(locale, filter_pace)}</legend>
                {[Pace::Normal, Pace::Elderly].into_iter().map(|p| view! {
                    <label class="choice">
                        <input type="radio" name="pace" value=p.as_str() checked=p == view.pace />
                        <span>{pace_name(locale, p)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            {view.k.map(|k| view! { <input type="hidden" name="k" value=k.to_string() /> })}
            <button type="submit" class="button button-primary">{td!(locale, cov_show)}</button>
        </form>
    }
}

#[component]
fn Shares(shares: Vec<(Kind, Vec<Tally>)>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2 id="cov-shares-heading">{td!(locale, cov_shares)}</h2>
        // Scrolls sideways on a narrow phone: focusable, so a keyboard can.
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="cov-shares-heading">
            <table class="figures coverage-shares">
                <caption>{td!(locale, cov_shares_caption)}</caption>
                <thead>
                    <tr>
                        <td></td>
                        {COLUMNS.iter().map(|&(minutes, pace)| view! {
                            <th scope="col">{td_string!(locale, cov_column, minutes = minutes, pace = pace_name(locale, pace)).to_string()}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {shares.into_iter().map(|(kind, tallies)| view! {
                        <tr>
                            <th scope="row">{kind_name(locale, kind)}</th>
                            {tallies.into_iter().map(|t| view! {
                                <td>{td_string!(locale, cov_cell, elderly = t.elderly_percent(), all = t.residents_percent()).to_string()}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Compounds as dots (within reach) and triangles (out of reach), shaded
/// by walking minutes, and suggested sites as numbered squares. Hidden
/// from screen readers beyond its label: the tables say the same.
#[component]
fn CoverageMap(view: CoverageView) -> impl IntoView {
    let locale = use_locale();
    let band = |c: &CompoundRow| match c.walk_minutes {
        Some(m) if m <= 5 => "band-5",
        Some(m) if m <= 10 => "band-10",
        Some(m) if m <= 15 => "band-15",
        Some(m) if m <= 30 => "band-30",
        _ => "band-far",
    };
    view! {
        <figure class="map coverage-map">
            <svg viewBox=format!("0 0 {VIEW} {VIEW}") role="img" aria-labelledby="cov-map-label">
                <title id="cov-map-label">{td_string!(locale, cov_map_label).to_string()}</title>
                <rect class="map-bg" width=VIEW height=VIEW />
                {view.compounds.iter().map(|c| {
                    let class = format!("compound {}", band(c));
                    if c.covered {
                        view! { <circle class=class cx=format!("{:.0}", c.x) cy=format!("{:.0}", c.y) r="9" /> }.into_any()
                    } else {
                        view! { <path class=class d=format!("M{:.0} {:.0}l11 19h-22z", c.x, c.y - 12.0) /> }.into_any()
                    }
                }).collect_view()}
                {view.sites.iter().enumerate().map(|(i, s)| view! {
                    <g class="map-site" transform=format!("translate({:.0} {:.0})", s.x, s.y)>
                        <rect x="-18" y="-18" width="36" height="36" />
                        <text y="7" text-anchor="middle">{i + 1}</text>
                    </g>
                }).collect_view()}
            </svg>
            <figcaption class="coverage-legend">
                <span><span class="legend-dot" aria-hidden="true">"●"</span>" "{td!(locale, cov_legend_in)}</span>
                <span><span class="legend-gap" aria-hidden="true">"▲"</span>" "{td!(locale, cov_legend_out)}</span>
                <span><span class="legend-site" aria-hidden="true">"■"</span>" "{td!(locale, cov_legend_site)}</span>
            </figcaption>
        </figure>
    }
}

#[component]
fn Sites(view: CoverageView) -> impl IntoView {
    let locale = use_locale();
    let k = view.k.unwrap_or(3);
    view! {
        <h2 id="sites-heading">{td!(locale, cov_sites)}</h2>
        <p>{td!(locale, cov_sites_intro)}</p>
        <form class="coverage-sites-ask" method="get" action="/review/coverage">
            {view.community.clone().filter(|_| !view.communities.is_empty()).map(|c| view! { <input type="hidden" name="community" value=c /> })}
            <input type="hidden" name="kind" value=view.kind.as_str() />
            <input type="hidden" name="minutes" value=view.minutes.to_string() />
            <input type="hidden" name="pace" value=view.pace.as_str() />
            <label for="cov-k">{td!(locale, cov_sites_k)}</label>
            <select id="cov-k" name="k">
                {(1..=MAX_SITES).map(|n| view! { <option value=n.to_string() selected=n == k>{n}</option> }).collect_view()}
            </select>
            <button type="submit" class="button">{td!(locale, cov_sites_submit)}</button>
        </form>
        {view.k.map(|_| if view.sites.is_empty() {
            view! { <p class="notice">{td!(locale, cov_sites_none)}</p> }.into_any()
        } else {
            view! {
                <ol class="coverage-sites">
                    {view.sites.iter().map(|s| view! {
                        <li>
                            <strong>{td_string!(locale, cov_site_at, name = s.name.clone()).to_string()}</strong>
                            ": "
                            {td_string!(locale, cov_site_gain, elderly = s.elderly_gain, residents = s.residents_gain).to_string()}
                        </li>
                    }).collect_view()}
                </ol>
            }
            .into_any()
        })}
    }
}

#[component]
fn Gaps(view: CoverageView) -> impl IntoView {
    let locale = use_locale();
    let more = view.gaps.len().saturating_sub(GAPS_LISTED);
    view! {
        <h2 id="cov-gaps-heading">{td!(locale, cov_gaps)}</h2>
        {if view.gaps.is_empty() {
            view! { <p class="notice">{td!(locale, cov_none_left)}</p> }.into_any()
        } else {
            view! {
                <p>{td!(locale, cov_gaps_note)}</p>
                <div class="table-scroll" role="region" tabindex="0" aria-labelledby="cov-gaps-heading">
                    <table class="figures coverage-gaps">
                        <thead>
                            <tr>
                                <th scope="col">{td!(locale, cov_col_compound)}</th>
                                <th scope="col">{td!(locale, cov_col_elderly)}</th>
                                <th scope="col">{td!(locale, cov_col_residents)}</th>
                                <th scope="col">{td!(locale, cov_col_nearest)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {view.gaps.iter().take(GAPS_LISTED).map(|&i| {
                                let c = &view.compounds[i];
                                let walk = match c.walk_minutes {
                                    Some(m) => td_string!(locale, walk_minutes, minutes = m).to_string(),
                                    None => td_string!(locale, cov_no_point).to_string(),
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{c.name.clone()}</th>
                                        <td>{c.elderly}</td>
                                        <td>{c.residents}</td>
                                        <td>{walk}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(more > 0).then(|| view! { <p>{td_string!(locale, cov_gaps_more, count = more).to_string()}</p> })}
            }
            .into_any()
        }}
    }
}

/// "What if": open a point next to a compound out of reach, or close one,
/// and see the figures before and after. Nothing is saved.
#[component]
fn WhatIfSection(view: CoverageView) -> impl IntoView {
    let locale = use_locale();
    let hidden = {
        let view = view.clone();
        move || {
            view! {
                {view.community.clone().filter(|_| !view.communities.is_empty()).map(|c| view! { <input type="hidden" name="community" value=c /> })}
                <input type="hidden" name="kind" value=view.kind.as_str() />
                <input type="hidden" name="minutes" value=view.minutes.to_string() />
                <input type="hidden" name="pace" value=view.pace.as_str() />
            }
        }
    };
    let result = view.what_if.clone().map(|w| {
        let heading = match (&w.opened_at, &w.closed) {
            (Some(name), _) => td_string!(locale, cov_whatif_opened, name = name.clone()).to_string(),
            (None, Some(name)) => td_string!(locale, cov_whatif_closed, name = name.clone()).to_string(),
            (None, None) => String::new(),
        };
        view! {
            <div class="notice coverage-whatif" role="status">
                <p><strong>{heading}</strong></p>
                <p>
                    {td_string!(
                        locale,
                        cov_whatif_result,
                        before = w.before.elderly_covered,
                        after = w.after.elderly_covered,
                        residents_before = w.before.residents_covered,
                        residents_after = w.after.residents_covered
                    ).to_string()}
                </p>
                <p>
                    {if w.changed.is_empty() {
                        td_string!(locale, cov_whatif_none_changed).to_string()
                    } else {
                        let separator = if locale == Locale::en { ", " } else { "、" };
                        td_string!(locale, cov_whatif_changed, names = w.changed.join(separator)).to_string()
                    }}
                </p>
                <p>{td!(locale, cov_whatif_nothing_saved)}</p>
            </div>
        }
    });
    view! {
        <h2>{td!(locale, cov_whatif)}</h2>
        <p>{td!(locale, cov_whatif_intro)}</p>
        {result}
        {(!view.open_choices.is_empty()).then(|| view! {
            <form class="coverage-whatif-ask" method="get" action="/review/coverage">
                {hidden()}
                <label for="cov-open">{td!(locale, cov_whatif_open)}</label>
                <select id="cov-open" name="open" required>
                    <option value="">{td!(locale, cov_whatif_choose)}</option>
                    {view.open_choices.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                </select>
                <button type="submit" class="button">{td!(locale, cov_whatif_try)}</button>
            </form>
        })}
        {(!view.close_choices.is_empty()).then(|| view! {
            <form class="coverage-whatif-ask" method="get" action="/review/coverage">
                {hidden()}
                <label for="cov-close">{td!(locale, cov_whatif_close)}</label>
                <select id="cov-close" name="close" required>
                    <option value="">{td!(locale, cov_whatif_choose)}</option>
                    {view.close_choices.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                </select>
                <button type="submit" class="button">{td!(locale, cov_whatif_try)}</button>
            </form>
        })}
    }
}
