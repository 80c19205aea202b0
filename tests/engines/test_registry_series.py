"""The registry-fed series engine on hand-made records: expected counts worked out by hand."""

from datetime import date

from stihub.engines.registry_series import (
    IP_REGISTRATIONS,
    RD_FTE_PER_10K,
    ST_ENTERPRISES,
    EnterpriseRecord,
    SurveyRecord,
    compute,
    counted_at,
    ip_registrations,
    rd_fte_per_10k,
    st_enterprises,
)

E = EnterpriseRecord


def test_an_enterprise_counts_while_its_certificate_is_in_force_or_once_it_is_a_startup():
    enterprises = [
        E(1, st_cert_date=date(2019, 5, 2)),  # certified 2019, never revoked: 2019 on
        E(2, st_cert_date=date(2019, 3, 1), st_cert_revoked_on=date(2021, 6, 30)),  # 2019, 2020
        E(3, startup_recognised_on=date(2020, 12, 31)),  # recognised on 31/12/2020: 2020 on
        # both a startup (2020) and certified (2021): counted once a year, from 2020
        E(4, st_cert_date=date(2021, 1, 1), startup_recognised_on=date(2020, 7, 1)),
        E(5, st_cert_date=date(2021, 12, 31), st_cert_revoked_on=date(2021, 12, 31)),  # never
        E(6, st_cert_date=date(2022, 1, 1)),  # 1 January 2022: not at the end of 2021
        E(7),  # neither
    ]
    # 2019: 1, 2                 -> 2
    # 2020: 1, 2, 3, 4           -> 4
    # 2021: 1, 3, 4 (2 revoked 30/06/2021; 5 revoked the day it was granted) -> 3
    # 2022: 1, 3, 4, 6           -> 4
    assert st_enterprises(enterprises, 2022) == {2019: 2, 2020: 4, 2021: 3, 2022: 4}


def test_the_year_end_day_itself_counts_and_a_revocation_on_it_removes():
    certified = E(1, st_cert_date=date(2020, 12, 31))
    assert counted_at(certified, date(2020, 12, 31))
    assert not counted_at(certified, date(2020, 12, 30))
    revoked = E(2, st_cert_date=date(2019, 1, 1), st_cert_revoked_on=date(2020, 12, 31))
    assert counted_at(revoked, date(2019, 12, 31))
    assert not counted_at(revoked, date(2020, 12, 31))
    # a revoked certificate does not hide the startup recognition
    both = E(3, st_cert_date=date(2019, 1, 1), st_cert_revoked_on=date(2020, 2, 1),
             startup_recognised_on=date(2019, 6, 1))  # fmt: skip
    assert st_enterprises([both], 2021) == {2019: 1, 2020: 1, 2021: 1}


def test_no_enterprise_series_without_a_certificate_or_recognition():
    assert st_enterprises([E(1), E(2)], 2025) == {}
    # only records after the last year counted: nothing yet
    assert st_enterprises([E(1, st_cert_date=date(2026, 3, 1))], 2025) == {}


def test_ip_filings_are_counted_by_the_year_filed_with_zero_years_between():
    filed = [date(2019, 1, 1), date(2019, 12, 31), date(2021, 6, 1), date(2026, 1, 5)]
    # 2019: two; 2020: none (a real zero); 2021: one; 2022: none; 2026 is after the last year
    assert ip_registrations(filed, 2022) == {2019: 2, 2020: 0, 2021: 1, 2022: 0}
    assert ip_registrations([], 2022) == {}


def test_rd_staff_per_10000_people_needs_both_the_surveys_and_the_population():
    surveys = [
        SurveyRecord(2020, 120.5),
        SurveyRecord(2020, 79.5),  # 2020: 200 FTE
        SurveyRecord(2021, None),  # surveyed, FTE not given: no data for 2021
        SurveyRecord(2022, 340.0),  # no population for 2022: no value
        SurveyRecord(2023, 10.0),
    ]
    population = {2020: 3_400_000, 2021: 3_420_000, 2023: 3_000_000, 2024: 3_500_000}
    # 2020: 200 / 3,400,000 × 10,000 = 0.588235... -> 0.59
    # 2023: 10 / 3,000,000 × 10,000 = 0.0333... -> 0.03; 2024: population but no survey
    assert rd_fte_per_10k(surveys, population, 2024) == {2020: 0.59, 2023: 0.03}
    assert rd_fte_per_10k(surveys, {}, 2024) == {}
    assert rd_fte_per_10k(surveys, {2020: 0}, 2024) == {}  # a zero population divides nothing


def test_compute_gives_the_three_codes():
    series = compute(
        enterprises=[E(1, startup_recognised_on=date(2024, 2, 2))],
        filed_on=[date(2024, 5, 5)],
        surveys=[SurveyRecord(2024, 3400.0)],
        population={2024: 3_400_000},
        last_year=2024,
    )
    # 3,400 FTE per 3,400,000 people = 10 per 10,000
    assert series == {
        ST_ENTERPRISES: {2024: 1},
        IP_REGISTRATIONS: {2024: 1},
        RD_FTE_PER_10K: {2024: 10.0},
    }
