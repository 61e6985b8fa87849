//! The suite's old rare hang: a page whose data comes from a resource
//! never finished while another router was being built in the same
//! process. Listing a Leptos app's routes renders it with resources
//! switched off by a process-wide flag (leptos_server's
//! `SuppressResourceLoad`), so a resource that first ran meanwhile waited
//! forever. Parallel tests each built their own router; the server builds
//! one before it listens. Routes are now listed once per process.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_routers_are_built() {
    let app = Arc::new(common::app().await);
    let stop = Arc::new(AtomicBool::new(false));
    let built = Arc::new(AtomicUsize::new(0));
    let builder = {
        let (app, stop, built) = (app.clone(), stop.clone(), built.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                drop(app.another_router());
                built.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let pages = [
        "/facility/1",
        "/suggestions?community=test-a",
        "/nearby?lat=30.64&lng=104.05",
        "/sorting?q=%E7%94%B5%E6%B1%A0",
    ];
    for round in 0..60 {
        let path = pages[round % pages.len()];
        let page = tokio::time::timeout(Duration::from_secs(20), app.get(path))
            .await
            .unwrap_or_else(|_| panic!("{path} never finished (round {round})"));
        assert_eq!(page.status, 200, "{path}");
        assert!(page.text.contains("</html>"), "{path} complete");
    }
    stop.store(true, Ordering::Relaxed);
    builder.join().unwrap();
    assert!(built.load(Ordering::Relaxed) > 0, "routers were built meanwhile");
}
