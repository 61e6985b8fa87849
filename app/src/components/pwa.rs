//! The installable app's islands.
//!
//! [`AppStatus`], on every page: registers the service worker (`/sw.js`),
//! offers a new version ("update available — reload", never a silent
//! switch under the resident's feet), says when there is no connection, and
//! lists the suggestions kept on this phone (the worker's outbox) until
//! they are delivered, then their receipt codes. It also asks the worker to
//! send what waits whenever the page opens or the connection comes back —
//! the fallback for browsers without Background Sync.
//!
//! [`InstallOffer`], on the home page only: an install button when the
//! browser offers one (`beforeinstallprompt`), or for iOS Safari, which has
//! none, one line on how to add Linli to the home screen. Both can be
//! dismissed; nothing pops up.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The words of [`AppStatus`], already in the resident's language; the
/// templates hold `{title}`, `{code}` and `{error}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusLabels {
    pub update: String,
    pub reload: String,
    pub offline: String,
    pub outbox_heading: String,
    pub waiting: String,
    pub sent: String,
    pub failed: String,
    pub track: String,
    pub dismiss: String,
}

/// One suggestion in the worker's outbox, as the worker describes it (no
/// photos or contact details leave the worker).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct OutboxItem {
    pub key: String,
    pub title: String,
    /// `waiting`, `sent` or `failed`.
    pub state: String,
    pub code: Option<String>,
    pub error: Option<String>,
}

impl OutboxItem {
    fn sentence(&self, labels: &StatusLabels) -> String {
        let template = match self.state.as_str() {
            "sent" => &labels.sent,
            "failed" => &labels.failed,
            _ => &labels.waiting,
        };
        template
            .replace("{title}", &self.title)
            .replace("{code}", self.code.as_deref().unwrap_or(""))
            .replace("{error}", self.error.as_deref().unwrap_or(""))
    }
}

#[island]
pub fn AppStatus(labels: StatusLabels) -> impl IntoView {
    let update_ready = RwSignal::new(false);
    let offline = RwSignal::new(false);
    let outbox = RwSignal::new(Vec::<OutboxItem>::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        worker::start(update_ready, offline, outbox);
    });
    let reload = move |_| {
        #[cfg(feature = "hydrate")]
        worker::activate_update();
    };
    let labels = StoredValue::new(labels);
    let text = move |pick: fn(&StatusLabels) -> &String| labels.with_value(|l| pick(l).clone());
    view! {
        <div class="app-status">
            {move || offline.get().then(|| view! { <p class="notice status-offline" role="status">{text(|l| &l.offline)}</p> })}
            {move || {
                update_ready
                    .get()
                    .then(|| view! {
                        <p class="notice status-update" role="status">
                            {text(|l| &l.update)}" "
                            <button type="button" class="button button-primary" on:click=reload>{text(|l| &l.reload)}</button>
                        </p>
                    })
            }}
            {move || {
                let items = outbox.get();
                (!items.is_empty())
                    .then(|| view! {
                        <section class="outbox notice" aria-live="polite">
                            <h2>{text(|l| &l.outbox_heading)}</h2>
                            <ul>
                                {items.into_iter().map(|item| outbox_row(item, labels)).collect_view()}
                            </ul>
                        </section>
                    })
            }}
        </div>
    }
}

fn outbox_row(item: OutboxItem, labels: StoredValue<StatusLabels>) -> impl IntoView {
    let sentence = labels.with_value(|l| item.sentence(l));
    let done = item.state != "waiting";
    let key = item.key.clone();
    let dismiss = move |_| {
        #[cfg(feature = "hydrate")]
        worker::post(&format!(
            r#"{{"type":"dismiss","key":{}}}"#,
            serde_json::Value::from(key.clone())
        ));
        #[cfg(not(feature = "hydrate"))]
        let _ = &key;
    };
    view! {
        <li class=format!("outbox-item outbox-{}", item.state)>
            <p>{sentence}</p>
            {item.code.clone().map(|code| view! {
                <a class="button" href=format!("/track/{code}")>{labels.with_value(|l| l.track.clone())}</a>
            })}
            {done.then(|| view! {
                <button type="button" class="button" on:click=dismiss>{labels.with_value(|l| l.dismiss.clone())}</button>
            })}
        </li>
    }
}

/// The words of [`InstallOffer`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstallLabels {
    pub install: String,
    pub install_text: String,
    pub ios_hint: String,
    pub dismiss: String,
}

#[island]
pub fn InstallOffer(labels: InstallLabels) -> impl IntoView {
    let offered = RwSignal::new(false);
    let ios = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        install::watch(offered, ios);
    });
    let install = move |_| {
        #[cfg(feature = "hydrate")]
        install::prompt();
        offered.set(false);
    };
    let dismiss_ios = move |_| {
        #[cfg(feature = "hydrate")]
        install::forget_ios_hint();
        ios.set(false);
    };
    let labels = StoredValue::new(labels);
    let text = move |pick: fn(&InstallLabels) -> &String| labels.with_value(|l| pick(l).clone());
    view! {
        <div class="install-offer">
            {move || offered.get().then(|| view! {
                <p class="install-text">{text(|l| &l.install_text)}</p>
                <button type="button" class="button button-primary" on:click=install>{text(|l| &l.install)}</button>
            })}
            {move || ios.get().then(|| view! {
                <p class="notice install-ios">
                    {text(|l| &l.ios_hint)}" "
                    <button type="button" class="button" on:click=dismiss_ios>{text(|l| &l.dismiss)}</button>
                </p>
            })}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod worker {
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

    use super::OutboxItem;

    /// How often a page asks the worker to retry waiting suggestions.
    const RETRY_SECS: u64 = 20;

    #[derive(serde::Deserialize)]
    struct Message {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        items: Vec<OutboxItem>,
        /// The worker's last request to the server failed.
        #[serde(default)]
        offline: bool,
    }

    /// The page's service-worker container; `None` where there is none
    /// (old browsers, plain HTTP other than localhost).
    fn container() -> Option<ServiceWorkerContainer> {
        let navigator = window().navigator();
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
            .unwrap_or(false)
            .then(|| navigator.service_worker())
    }

    /// Sends a JSON message to the worker that controls this page.
    pub fn post(json: &str) {
        let controller = container().and_then(|c| c.controller());
        if let (Some(worker), Ok(message)) = (controller, js_sys::JSON::parse(json)) {
            let _ = worker.post_message(&message);
        }
    }

    fn ask_for_outbox() {
        post(r#"{"type":"outbox"}"#);
        if window().navigator().on_line() {
            post(r#"{"type":"flush"}"#);
        }
    }

    /// While something waits, asks the worker to try again every so often:
    /// on a weak connection `online` may never fire. Once per page.
    fn keep_trying() {
        thread_local! {
            static TRYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if !TRYING.with(|t| t.replace(true)) {
            let _ = set_interval_with_handle(
                || post(r#"{"type":"flush"}"#),
                std::time::Duration::from_secs(RETRY_SECS),
            );
        }
    }

    fn listen(target: &web_sys::EventTarget, event: &str, f: impl FnMut() + 'static) {
        let closure = Closure::<dyn FnMut()>::new(f);
        let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        closure.forget();
    }

    pub fn start(update_ready: RwSignal<bool>, offline: RwSignal<bool>, outbox: RwSignal<Vec<OutboxItem>>) {
        let w = window();
        offline.set(!w.navigator().on_line());
        listen(&w, "offline", move || offline.set(true));
        listen(&w, "online", move || {
            offline.set(false);
            post(r#"{"type":"flush"}"#);
        });
        let Some(container) = container() else {
            return;
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let text = js_sys::JSON::stringify(&ev.data()).ok().and_then(|s| s.as_string());
            if let Some(message) = text.and_then(|t| serde_json::from_str::<Message>(&t).ok()) {
                if message.kind == "outbox" {
                    offline.set(message.offline || !window().navigator().on_line());
                    if message.items.iter().any(|i| i.state == "waiting") {
                        keep_trying();
                    }
                    outbox.set(message.items);
                }
            }
        });
        container.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        // The first worker takes control of this page without a reload
        // (`clients.claim`): then it can be asked about the outbox. After
        // "reload" was pressed, the new worker taking over reloads.
        listen(&container, "controllerchange", move || {
            if RELOADING.with(|r| r.get()) {
                let _ = window().location().reload();
            } else {
                ask_for_outbox();
            }
        });
        let options = web_sys::RegistrationOptions::new();
        options.set_scope("/");
        let registering = container.register_with_options("/sw.js", &options);
        leptos::task::spawn_local(async move {
            let Ok(registration) = wasm_bindgen_futures::JsFuture::from(registering).await else {
                return;
            };
            let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
                return;
            };
            watch_updates(&registration, update_ready);
            ask_for_outbox();
        });
    }

    thread_local! {
        static RELOADING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        static REGISTRATION: std::cell::RefCell<Option<ServiceWorkerRegistration>> = const { std::cell::RefCell::new(None) };
    }

    /// A new worker is ready when one waits while another controls the
    /// page (the very first install is not an "update").
    fn watch_updates(registration: &ServiceWorkerRegistration, update_ready: RwSignal<bool>) {
        REGISTRATION.with(|r| *r.borrow_mut() = Some(registration.clone()));
        let controlled = || container().and_then(|c| c.controller()).is_some();
        if registration.waiting().is_some() && controlled() {
            update_ready.set(true);
        }
        let reg = registration.clone();
        listen(registration, "updatefound", move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            listen(&installing, "statechange", move || {
                if worker.state() == ServiceWorkerState::Installed && controlled() {
                    update_ready.set(true);
                }
            });
        });
    }

    /// "Reload": the waiting worker takes over, then the page reloads
    /// (on `controllerchange`), so the new pages, JavaScript and WASM come
    /// together.
    pub fn activate_update() {
        let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
        match (waiting, js_sys::JSON::parse(r#"{"type":"skip-waiting"}"#)) {
            (Some(worker), Ok(message)) => {
                RELOADING.with(|r| r.set(true));
                let _ = worker.post_message(&message);
            }
            _ => {
                let _ = window().location().reload();
            }
        }
    }
}

#[cfg(feature = "hydrate")]
mod install {
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    const IOS_HINT_KEY: &str = "linli.ios-hint";

    thread_local! {
        static DEFERRED: std::cell::RefCell<Option<web_sys::Event>> = const { std::cell::RefCell::new(None) };
    }

    pub fn watch(offered: RwSignal<bool>, ios: RwSignal<bool>) {
        let w = window();
        let on_offer = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            // Keep the browser's own banner away; the button is the offer.
            ev.prevent_default();
            DEFERRED.with(|d| *d.borrow_mut() = Some(ev));
            offered.set(true);
        });
        let _ = w.add_event_listener_with_callback("beforeinstallprompt", on_offer.as_ref().unchecked_ref());
        on_offer.forget();
        let on_installed = Closure::<dyn FnMut()>::new(move || offered.set(false));
        let _ = w.add_event_listener_with_callback("appinstalled", on_installed.as_ref().unchecked_ref());
        on_installed.forget();
        let agent = w.navigator().user_agent().unwrap_or_default();
        let apple_mobile = ["iPhone", "iPad", "iPod"].iter().any(|d| agent.contains(d));
        let standalone = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("standalone"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let dismissed = w
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(IOS_HINT_KEY).ok().flatten())
            .is_some();
        ios.set(apple_mobile && !standalone && !dismissed);
    }

    pub fn prompt() {
        if let Some(event) = DEFERRED.with(|d| d.borrow_mut().take()) {
            let prompt = js_sys::Reflect::get(&event, &JsValue::from_str("prompt"));
            if let Ok(f) = prompt.and_then(|p| p.dyn_into::<js_sys::Function>()) {
                let _ = f.call0(&event);
            }
        }
    }

    pub fn forget_ios_hint() {
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(IOS_HINT_KEY, "dismissed");
        }
    }
}
