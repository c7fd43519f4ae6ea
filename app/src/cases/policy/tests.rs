//! The rules as the people they protect see them; no database.
use super::*;
use CaseStatus::*;

fn user(role: Role, agency: Option<i64>) -> CurrentUser {
    CurrentUser {
        id: 1,
        display_name: "张三".into(),
        role,
        agency_id: agency,
        agency_name: None,
        must_change_password: false,
        unread: 0,
    }
}

/// A petition in the ordinary channel, routed to unit 7, in `status`.
fn case(status: CaseStatus) -> Facts {
    Facts {
        kind: CaseKind::Petition,
        status,
        channel: Channel::Ordinary,
        stage: Stage::First,
        extended: false,
        rated: false,
        supervised: false,
        window_open: true,
    }
}

fn officer() -> Who {
    Who::staff(&user(Role::PetitionOfficer, None), Grants::default(), Some(7), None)
}

fn staff_of(unit: i64) -> Who {
    Who::staff(&user(Role::Staff, Some(unit)), Grants::default(), Some(7), None)
}

fn granted(g: Grant) -> Who {
    Who::staff(&user(Role::Staff, Some(99)), Grants(vec![g]), Some(7), None)
}

#[test]
fn every_step_has_exactly_one_rule() {
    use Act::*;
    for act in [
        Triage,
        Accept,
        Object,
        Extend,
        Decide,
        DecideReview,
        Terminate,
        Supervise,
        AnswerSupervision,
        Reveal,
        Rate,
        RequestReview,
        RequestRereview,
    ] {
        assert_eq!(RULES.iter().filter(|r| r.act == act).count(), 1, "{act:?}");
    }
}

#[test]
fn a_filer_may_request_review_only_after_a_decision() {
    for status in CaseStatus::ALL {
        let allowed = may(Act::RequestReview, &Who::filer(), &case(status));
        assert_eq!(allowed, status == Decided, "{status:?}");
    }
    assert_eq!(check(Act::RequestReview, &Who::filer(), &case(UnderReview)), Err(Refused::Conflict(NOT_DECIDED)));
}

#[test]
fn only_a_petition_can_be_reviewed_and_only_within_its_period() {
    let complaint = Facts { kind: CaseKind::Complaint, ..case(Decided) };
    assert_eq!(check(Act::RequestReview, &Who::filer(), &complaint), Err(Refused::Conflict(ONLY_PETITIONS)));
    let late = Facts { window_open: false, ..case(Decided) };
    assert_eq!(check(Act::RequestReview, &Who::filer(), &late), Err(Refused::WindowClosed));
}

#[test]
fn a_review_is_followed_by_a_re_review_and_a_re_review_is_final() {
    let reviewed = Facts { stage: Stage::Review, ..case(Decided) };
    assert!(!may(Act::RequestReview, &Who::filer(), &reviewed));
    assert!(may(Act::RequestRereview, &Who::filer(), &reviewed));
    let final_ = Facts { stage: Stage::Rereview, ..case(Decided) };
    assert_eq!(check(Act::RequestRereview, &Who::filer(), &final_), Err(Refused::Conflict(FINAL)));
}

#[test]
fn a_filer_rates_once_after_the_decision() {
    assert!(may(Act::Rate, &Who::filer(), &case(Decided)));
    assert!(!may(Act::Rate, &Who::filer(), &case(Handling)));
    assert_eq!(
        check(Act::Rate, &Who::filer(), &Facts { rated: true, ..case(Decided) }),
        Err(Refused::Conflict(RATE_ONCE))
    );
    assert_eq!(check(Act::Rate, &officer(), &case(Decided)), Err(Refused::Forbidden));
}

#[test]
fn staff_do_not_take_the_filers_steps() {
    for act in [Act::Rate, Act::RequestReview] {
        assert!(!may(act, &officer(), &case(Decided)));
        assert!(!may(act, &staff_of(7), &case(Decided)));
    }
}

#[test]
fn the_petition_office_triages_what_is_received_or_objected_to_and_nothing_else() {
    for status in CaseStatus::ALL {
        assert_eq!(may(Act::Triage, &officer(), &case(status)), matches!(status, Received | Objected), "{status:?}");
    }
    assert_eq!(check(Act::Triage, &staff_of(7), &case(Received)), Err(Refused::Forbidden));
}

#[test]
fn the_handling_unit_accepts_or_objects_only_while_routed() {
    for act in [Act::Accept, Act::Object] {
        assert!(may(act, &staff_of(7), &case(Routed)));
        assert_eq!(check(act, &staff_of(7), &case(Handling)), Err(Refused::Conflict(NOT_ROUTED)));
    }
}

#[test]
fn staff_of_another_unit_may_not_act() {
    for (act, status) in [(Act::Accept, Routed), (Act::Extend, Handling), (Act::Decide, Handling)] {
        assert!(may(act, &staff_of(7), &case(status)), "{act:?}");
        assert_eq!(check(act, &staff_of(8), &case(status)), Err(Refused::Forbidden), "{act:?}");
        assert_eq!(check(act, &officer(), &case(status)), Err(Refused::Forbidden), "{act:?}");
    }
    let answered = Facts { supervised: true, ..case(Handling) };
    assert!(!may(Act::AnswerSupervision, &staff_of(8), &answered));
}

#[test]
fn handling_is_extended_once() {
    assert!(may(Act::Extend, &staff_of(7), &case(Handling)));
    let again = Facts { extended: true, ..case(Handling) };
    assert_eq!(check(Act::Extend, &staff_of(7), &again), Err(Refused::Conflict("办理期限只能延长一次")));
}

#[test]
fn a_review_is_decided_by_the_unit_above_when_named_else_by_the_petition_office() {
    let above = Who::staff(&user(Role::Staff, Some(3)), Grants::default(), Some(3), Some(3));
    let office = Who::staff(&user(Role::PetitionOfficer, None), Grants::default(), Some(3), Some(3));
    assert!(may(Act::DecideReview, &above, &case(UnderReview)));
    assert_eq!(check(Act::DecideReview, &office, &case(UnderReview)), Err(Refused::Forbidden));
    assert!(may(Act::DecideReview, &officer(), &case(UnderReview)));
    assert_eq!(check(Act::DecideReview, &officer(), &case(Decided)), Err(Refused::Conflict(NOT_UNDER_REVIEW)));
}

#[test]
fn only_the_legal_channel_terminates_a_legal_case() {
    let legal = Facts { channel: Channel::Legal, ..case(Legal) };
    assert!(may(Act::Terminate, &granted(Grant::LegalChannel), &legal));
    assert!(!may(Act::Terminate, &officer(), &legal));
    assert_eq!(
        check(Act::Terminate, &granted(Grant::LegalChannel), &case(Handling)),
        Err(Refused::Conflict(NOT_LEGAL))
    );
}

#[test]
fn the_petition_office_supervises_ordinary_cases_in_progress_and_the_unit_answers() {
    assert!(may(Act::Supervise, &officer(), &case(Handling)));
    assert!(!may(Act::Supervise, &officer(), &case(Decided)));
    assert!(!may(Act::Supervise, &staff_of(7), &case(Handling)));
    let discipline = Facts { channel: Channel::Discipline, ..case(Discipline) };
    assert_eq!(check(Act::Supervise, &officer(), &discipline), Err(Refused::Conflict(NOT_SUPERVISABLE)));
    assert_eq!(check(Act::AnswerSupervision, &staff_of(7), &case(Handling)), Err(Refused::Conflict("该件未被督办")));
    assert!(may(Act::AnswerSupervision, &staff_of(7), &Facts { supervised: true, ..case(Handling) }));
}

#[test]
fn only_someone_granted_it_sees_who_filed() {
    assert!(may(Act::Reveal, &granted(Grant::RevealIdentity), &case(Handling)));
    assert!(!may(Act::Reveal, &officer(), &case(Handling)));
    assert!(!may(Act::Reveal, &granted(Grant::LegalChannel), &case(Handling)));
}

#[test]
fn nobody_of_the_unit_a_report_is_about_sees_it() {
    let po = user(Role::PetitionOfficer, None);
    assert!(may_see(&po, &Grants::default(), false, Channel::Ordinary, Some(7)));
    assert!(!may_see(&po, &Grants::default(), true, Channel::Ordinary, Some(7)));
}

#[test]
fn the_special_channels_are_seen_only_by_those_granted_them() {
    let po = user(Role::PetitionOfficer, None);
    assert!(!may_see(&po, &Grants::default(), false, Channel::Legal, None));
    assert!(may_see(&po, &Grants(vec![Grant::LegalChannel]), false, Channel::Legal, None));
    assert!(!may_see(&po, &Grants(vec![Grant::LegalChannel]), false, Channel::Discipline, None));
}

#[test]
fn staff_see_only_their_own_units_cases_and_nobody_sees_before_setting_a_password() {
    assert!(may_see(&user(Role::Staff, Some(7)), &Grants::default(), false, Channel::Ordinary, Some(7)));
    assert!(!may_see(&user(Role::Staff, Some(8)), &Grants::default(), false, Channel::Ordinary, Some(7)));
    assert!(!may_see(&user(Role::Staff, None), &Grants::default(), false, Channel::Ordinary, None));
    assert!(!may_see(&user(Role::Citizen, None), &Grants::default(), false, Channel::Ordinary, Some(7)));
    let fresh = CurrentUser { must_change_password: true, ..user(Role::PetitionOfficer, None) };
    assert!(!may_see(&fresh, &Grants::default(), false, Channel::Ordinary, Some(7)));
}
