def test_restrict_filters_directly_unless_a_relation_repeats_rows(demo_world) -> None:
    """The subquery that de-duplicates is only there when a to-many relation is crossed: reports
    and cases filter in place (the planner keeps the list's index), accounts (scope regions, a
    many-to-many) through their key."""
    from sigap.accounts.models import User
    from sigap.cases.models import Case
    from sigap.core.access import restrict
    from sigap.intake.models import Report

    pimpasa = demo_world["pimpasa.tirtayasa"]
    for model in (Report, Case):
        sql = str(restrict(model.objects.all(), pimpasa, "view").query)
        assert " IN (SELECT" not in sql, model
    accounts = restrict(User.objects.all(), pimpasa, "view")
    assert " IN (SELECT" in str(accounts.query)
    listed = list(accounts.values_list("pk", flat=True))
    assert len(listed) == len(set(listed))  # no account twice, though several regions match
