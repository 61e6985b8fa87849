// Linli's page side of the service worker (sw.js): registers it, offers a
// new version ("update available — reload", never a silent switch), says
// when there is no connection, lists the suggestions kept on this phone
// until they are delivered (then their receipt codes), asks the worker to
// send what waits when a page opens, when the connection returns and every
// 20 s while something waits (the fallback where Background Sync is
// missing, and for weak connections that never fire `online`), offers
// installing where the browser allows it, reads text aloud, and finds the
// phone's position or a tapped point on a map.
//
// Plain JavaScript on purpose: it is the worker's other half (one message
// protocol, written once), it must run on pages without islands, and it is
// about 3 KB compressed where the same as Leptos islands made each page
// that has one download the 93 KB WASM module (README, "Page weight"). The markup and words are the server's
// (app/src/components/pwa.rs); this only shows, hides and fills them, and
// writes text with textContent.
(() => {
  const $ = (selector) => document.querySelector(selector);
  const status = $("#app-status");
  const offlineNote = $("#app-status .status-offline");
  const updateNote = $("#app-status .status-update");
  const outbox = $("#app-status .outbox");
  const show = (el, on) => el && (el.hidden = !on);

  show(offlineNote, !navigator.onLine);
  addEventListener("offline", () => show(offlineNote, true));
  // `online` says only that a network interface came up (behind a captive
  // portal or a dead uplink too): the note goes once the server answers.
  const serverAnswers = () => fetch("/healthz", { cache: "no-store" }).then((r) => r.ok, () => false);

  if ("serviceWorker" in navigator && status) {
    const sw = navigator.serviceWorker;
    const post = (message) => sw.controller && sw.controller.postMessage(message);
    const ask = () => {
      post({ type: "outbox" });
      if (navigator.onLine) post({ type: "flush" });
    };
    let retrying = null;
    let reloading = false;

    const row = (item) => {
      const template = status.dataset[item.state] || status.dataset.waiting;
      const li = document.createElement("li");
      li.className = `outbox-item outbox-${item.state}`;
      const p = document.createElement("p");
      const values = { title: item.title, code: item.code || "", error: item.error || "" };
      p.textContent = template.replace(/\{(title|code|error)\}/g, (_, name) => values[name]);
      li.append(p);
      if (item.code) {
        const a = document.createElement("a");
        a.className = "button";
        a.href = `/track/${encodeURIComponent(item.code)}`;
        a.textContent = status.dataset.track;
        li.append(a);
      }
      if (item.state !== "waiting") {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "button";
        b.textContent = status.dataset.dismiss;
        b.addEventListener("click", () => post({ type: "dismiss", key: item.key }));
        li.append(b);
      }
      return li;
    };

    sw.addEventListener("message", (event) => {
      const data = event.data || {};
      if (data.type !== "outbox") return;
      const items = Array.isArray(data.items) ? data.items : [];
      show(offlineNote, data.offline || !navigator.onLine);
      outbox.querySelector("ul").replaceChildren(...items.map(row));
      show(outbox, items.length > 0);
      if (items.some((i) => i.state === "waiting") && !retrying) {
        retrying = setInterval(() => post({ type: "flush" }), 20000);
        // Ask the browser not to evict what waits under storage pressure.
        if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => undefined);
      }
    });
    // The first worker takes control without a reload (clients.claim);
    // after "reload" was pressed here, the new worker taking over reloads;
    // pressed in another tab, this page's code is now older than the
    // worker's cache, so it offers the reload too.
    const hadController = !!sw.controller;
    sw.addEventListener("controllerchange", () => {
      if (reloading) location.reload();
      else if (hadController) show(updateNote, true);
      else ask();
    });
    addEventListener("online", () =>
      serverAnswers().then((up) => {
        if (!up) return;
        show(offlineNote, false);
        post({ type: "flush" });
      }),
    );

    // After the page has loaded: installing downloads the whole offline
    // precache (the islands' WASM too), which must not compete with the
    // first visit's own page on a weak connection.
    const register = () => sw.register("/sw.js", { scope: "/" }).then((registration) => {
      // A worker waiting while another controls the page is a new version
      // (the very first install is not an "update").
      const offer = () => show(updateNote, !!(registration.waiting && sw.controller));
      offer();
      registration.addEventListener("updatefound", () => {
        const next = registration.installing;
        if (next) next.addEventListener("statechange", () => next.state === "installed" && offer());
      });
      updateNote.querySelector("button").addEventListener("click", () => {
        if (registration.waiting) {
          reloading = true;
          registration.waiting.postMessage({ type: "skip-waiting" });
        } else {
          location.reload();
        }
      });
      ask();
    }, () => undefined);
    if (document.readyState === "complete") register();
    else addEventListener("load", register, { once: true });
  }

  // Read aloud (app/src/components/read_aloud.rs): the button speaks the
  // text of the element around it marked data-speak, in the page's language
  // and with a voice for it when the phone has one, slower in large-text
  // mode; a second tap stops. Shown only where the browser can speak: the
  // page's head marks that (html.can-speak) before the body is drawn.
  // Delegated, so answers that the sorting island draws later work too.
  const speech = window.speechSynthesis;
  const root = document.documentElement;
  if (speech && root.classList.contains("can-speak")) {
    const lang = root.lang || "zh-CN";
    const skip = "button, nav, svg, [hidden], [aria-hidden=true], [data-speak-skip]";
    const textOf = (el) => {
      const parts = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent.trim();
        if (text && !n.parentElement.closest(skip)) parts.push(text);
      }
      return parts.join(" ");
    };
    const voiceFor = (tag) => {
      const voices = speech.getVoices();
      const norm = (l) => l.replace("_", "-").toLowerCase();
      return voices.find((v) => norm(v.lang) === tag.toLowerCase())
        || voices.find((v) => norm(v.lang).startsWith(tag.slice(0, 2).toLowerCase()));
    };
    let playing = null;
    const pressed = (button, on) => button.setAttribute("aria-pressed", on ? "true" : "false");
    document.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest("[data-read-aloud]");
      if (!button) return;
      const again = playing === button;
      speech.cancel();
      if (playing) pressed(playing, false);
      playing = null;
      const scope = button.closest("[data-speak]");
      if (again || !scope) return;
      const utterance = new SpeechSynthesisUtterance(textOf(scope));
      utterance.lang = lang;
      const voice = voiceFor(lang);
      if (voice) utterance.voice = voice;
      utterance.rate = root.classList.contains("large-text") ? 0.8 : 1;
      const done = () => {
        if (playing === button) {
          pressed(button, false);
          playing = null;
        }
      };
      utterance.addEventListener("end", done);
      utterance.addEventListener("error", done);
      playing = button;
      pressed(button, true);
      speech.speak(utterance);
    });
  }

  // Use my location, and tapping the map (app/src/components/locate.rs,
  // map_tap.rs, place_picker.rs). A position found either way opens the
  // search there (an element with data-search holds the search's other
  // parameters) or, in the suggestion form, goes into its lat/lng fields
  // and asks the server to draw the map there. A search's position is kept
  // on this device only (localStorage), and offered on the next visit.
  const KEPT = "linli.location";
  const fixed = (x) => x.toFixed(6);
  const keep = (text) => {
    try {
      localStorage.setItem(KEPT, text);
    } catch (e) {
      // storage blocked: nothing is remembered
    }
  };
  const kept = () => {
    try {
      const [lat, lng] = JSON.parse(localStorage.getItem(KEPT));
      if (Math.abs(lat) <= 90 && Math.abs(lng) <= 180) return [lat, lng];
    } catch (e) {
      // nothing kept, or not a position
    }
    return null;
  };
  const searchAt = (search, lat, lng) => `/nearby?${search ? `${search}&` : ""}lat=${fixed(lat)}&lng=${fixed(lng)}`;
  const choose = (scope, lat, lng) => {
    const search = scope.dataset.search;
    if (search !== undefined) {
      keep(`[${fixed(lat)},${fixed(lng)}]`);
      location.assign(searchAt(search, lat, lng));
      return;
    }
    const send = $("button[name=action][value=locate]");
    if (!send) return;
    $("#lat").value = fixed(lat);
    $("#lng").value = fixed(lng);
    send.click();
  };
  for (const box of document.querySelectorAll(".locate")) {
    const button = box.querySelector("[data-locate]");
    const last = box.querySelector("[data-last]");
    const said = box.querySelector(".locate-status");
    if (box.dataset.here) keep(box.dataset.here);
    else if (last && kept()) {
      last.href = searchAt(box.dataset.search, ...kept());
      show(last, true);
    }
    if (!button || !navigator.geolocation) continue;
    const failed = (words) => {
      said.textContent = words;
      button.disabled = false;
      // Lead the resident straight to the alternative.
      const list = $("#community");
      if (list) list.focus();
    };
    button.addEventListener("click", () => {
      said.textContent = box.dataset.locating;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        (p) => choose(box, p.coords.latitude, p.coords.longitude),
        (e) => failed(e.code === e.PERMISSION_DENIED ? box.dataset.denied : box.dataset.unavailable),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
    box.dataset.wired = "";
  }
  // data-frame: the latitude and longitude of the map's top-left and
  // bottom-right corners; the projection is linear between them.
  for (const map of document.querySelectorAll(".map-tap[data-frame]")) {
    const [north, west, south, east] = map.dataset.frame.split(" ").map(Number);
    map.addEventListener("click", (event) => {
      // Taps on pins and labels follow their links.
      if (event.target.closest("a")) return;
      const svg = map.querySelector("svg");
      const r = svg && svg.getBoundingClientRect();
      if (!r || r.width <= 0 || r.height <= 0) return;
      const x = (event.clientX - r.left) / r.width;
      const y = (event.clientY - r.top) / r.height;
      choose(map, north + (south - north) * y, west + (east - west) * x);
    });
  }

  // Installing: the browser's own offer becomes the button on the home
  // page (never a pop-up); iOS Safari has none, so one dismissible line.
  const install = $("#install-offer [data-install]");
  const iosHint = $("#install-offer [data-ios]");
  let deferred = null;
  addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event;
    show(install, true);
  });
  addEventListener("appinstalled", () => show(install, false));
  if (install) {
    install.querySelector("button").addEventListener("click", () => {
      if (deferred) deferred.prompt();
      deferred = null;
      show(install, false);
    });
  }
  if (iosHint) {
    const key = "linli.ios-hint";
    const apple = /iPhone|iPad|iPod/.test(navigator.userAgent);
    let dismissed = false;
    try {
      dismissed = localStorage.getItem(key) !== null;
    } catch (e) {
      // storage blocked: show the hint
    }
    show(iosHint, apple && !navigator.standalone && !dismissed);
    iosHint.querySelector("button").addEventListener("click", () => {
      try {
        localStorage.setItem(key, "dismissed");
      } catch (e) {
        // storage blocked: hidden for this page only
      }
      show(iosHint, false);
    });
  }
})();
