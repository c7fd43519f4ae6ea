//! Case pages: filing forms, the filer's progress page (number + query code), staff queues and the
//! case page with the actions the viewer may take. Plain forms; the server handles the posts.
mod calls;
mod filer;
mod staff;

pub use calls::{case_dashboard, case_queue, case_statistics, case_units, load_staff_case, my_case, my_cases};
pub use filer::{FileCasePage, MyCasesPage, NewCasePage, StatsPage, TrackPage};
pub use staff::{staff_form, CaseQueuePage, PetitionOfficePage, StaffCasePage};
