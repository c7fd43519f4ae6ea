//! Form posts from the pages, one module per feature (as `app/src/<feature>/`): each extracts what
//! it needs, calls the domain, then redirects or re-renders the page with what was typed.
pub mod account_page;
pub mod accounts;
pub mod admin;
pub mod bulk;
pub mod cases;
pub mod comments;
pub mod common;
pub mod consultations;
pub mod feedback;
pub mod files;
pub mod filing;
pub mod form_pages;
pub mod inbox;
pub mod legislation;
pub mod recovery;
pub mod registry;
pub mod upload;
