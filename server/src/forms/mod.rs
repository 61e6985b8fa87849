//! The resident's HTML forms that change something: the suggestion form's
//! steps and the +1 button. Plain form POSTs answered with a page or a
//! redirect, so they work without JavaScript.

pub mod suggest;
pub mod support;
