//! The HTML forms that change something: the suggestion form's steps, the
//! +1 button, and the committee's sign-in and review actions. Plain form POSTs answered with a page or a
//! redirect, so they work without JavaScript.

pub mod review;
pub mod suggest;
pub mod support;
