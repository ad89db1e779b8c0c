#!/usr/bin/env python
"""Generate peernet's ``riverbend`` sample network as a canonical peernet folder.

Usage::

    python scripts/make_samples.py [--out data/samples]    # write data/samples/riverbend/
    python scripts/make_samples.py --summary [--out DIR]    # print the 2023 vs 2025 table
    python scripts/make_samples.py --update-docs            # rewrite docs/samples.md's tables

After any change to the generator: regenerate, run ``--update-docs``, and rerun the whole
test suite: doctests across peernet quote numbers computed on this sample.

The Riverbend Statewide Family Services Peer Network is synthetic: 150 members in 25
organizations (5 sectors, 4 regions) over three program years, 2023-01-01 to 2025-12-31.
Everything is drawn from one ``numpy.random.Generator`` seeded with :data:`SEED`, in a fixed
order, and written as text formatted here, so two runs give byte-identical files.

The year-by-year design parameters are in :data:`YEAR`; ``docs/samples.md`` lists them next to
the values measured from the written CSVs by :func:`summarize`. Four data-quality defects are
planted on purpose (see :data:`DEFECTS` and ``docs/samples.md``).

Only numpy, pandas and the standard library are used.
"""

from __future__ import annotations

import argparse
import json
import string
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20230101
NAME = "riverbend"
TZ = "America/Los_Angeles"
YEARS = (2023, 2024, 2025)
START = date(2023, 1, 1)
END = date(2025, 12, 31)
FOUNDED = date(2019, 3, 1)

TOPICS = (
    "housing",
    "early_childhood",
    "data_sharing",
    "funding",
    "workforce",
    "mental_health",
    "language_access",
    "transportation",
    "youth",
    "food_security",
    "evaluation",
    "policy",
)
SECTOR_TOPICS = {
    "health": ("mental_health", "early_childhood", "data_sharing", "language_access", "funding"),
    "education": ("early_childhood", "youth", "data_sharing", "evaluation", "workforce"),
    "social_services": ("housing", "food_security", "transportation", "funding", "language_access"),
    "government": ("policy", "funding", "data_sharing", "evaluation", "workforce"),
    "residents": ("housing", "youth", "transportation", "language_access", "food_security"),
}
REGIONS = ("North Valley", "Coast", "Capital", "Mountain")

# Design parameters per program year. Each is the knob behind one row of the "What changed
# from 2023 to 2025" table in docs/samples.md.
YEAR = {
    2023: dict(
        trust_mean=2.80,  # latent mean of the trust items (reliability, mission, openness)
        learning_mean=2.65,  # latent mean of the "I learned something I use" item
        response_rate=0.70,  # share of active members answering the October survey
        cross_org=0.12,  # chance that a tie-forming interaction goes to another org
        new_contacts=0.6,  # new cross-organization acquaintances per member in the year
        p_solved=0.55,  # share of raised problems that get solved
        solve_days=34.0,  # median days from raised to solved
        p_outcome=0.60,  # share of closed problems with a recorded outcome
        n_problems=24,  # problems raised in the year
        p_done=0.55,  # share of action items ever closed
        p_late=0.45,  # share of closed action items closed after their due date
        p_next_date=0.45,  # share of meetings that set the next meeting's date
        mountain=1.00,  # activity multiplier for Mountain members
        p_integrate=0.35,  # share of newcomers with a tie to an established member <= 60 days
        resource_rate=0.9,  # resource exchanges per member and year (before scaling)
        n_new=20,
        n_leave=18,  # newcomers and leavers
    ),
    2024: dict(
        trust_mean=3.00,
        learning_mean=2.95,
        response_rate=0.74,
        cross_org=0.30,
        new_contacts=1.9,
        p_solved=0.70,
        solve_days=22.0,
        p_outcome=0.75,
        n_problems=32,
        p_done=0.72,
        p_late=0.30,
        p_next_date=0.70,
        mountain=0.70,
        p_integrate=0.60,
        resource_rate=1.5,
        n_new=18,
        n_leave=19,
    ),
    2025: dict(
        trust_mean=3.23,
        learning_mean=3.15,
        response_rate=0.78,
        cross_org=0.50,
        new_contacts=3.0,
        p_solved=0.85,
        solve_days=12.0,
        p_outcome=0.90,
        n_problems=44,
        p_done=0.88,
        p_late=0.15,
        p_next_date=0.92,
        mountain=0.45,
        p_integrate=0.85,
        resource_rate=2.3,
        n_new=18,
        n_leave=19,
    ),
}

# (name, sector, region, e-mail domain, initial size, hierarchy)
# hierarchy: "d3" director > supervisor > staff, "d2" supervisor > staff,
# "dc" director > coordinator (the intermediary), "" no reporting lines.
ORGS = (
    ("Valley Community Health Center", "health", "North Valley", "vchc.org", 5, "d3"),
    ("Coastal Clinics Network", "health", "Coast", "coastalclinics.org", 4, ""),
    ("Capital County Public Health", "health", "Capital", "capitalcounty.gov", 4, "d2"),
    ("Sierra Rural Health Partners", "health", "Mountain", "sierrarural.org", 4, ""),
    ("Riverbend School-Based Health Alliance", "health", "Capital", "rbsbha.org", 3, ""),
    ("Harbor Family Medicine", "health", "Coast", "harborfm.org", 3, ""),
    ("North Valley Unified School District", "education", "North Valley", "nvusd.k12.us", 5, "d3"),
    ("Coast Union School District", "education", "Coast", "cusd.k12.us", 4, ""),
    ("Capital City Schools", "education", "Capital", "capitalschools.k12.us", 4, ""),
    ("Pine Ridge Elementary District", "education", "Mountain", "pineridge.k12.us", 4, ""),
    ("Riverbend Early Learning Coalition", "education", "Capital", "rbelc.org", 3, ""),
    ("Family Resource Center North Valley", "social_services", "North Valley", "frcnv.org", 4, ""),
    ("Coast Family Services", "social_services", "Coast", "coastfamily.org", 4, "d2"),
    ("Capital Area Food Bank", "social_services", "Capital", "capfoodbank.org", 3, ""),
    ("Mountain Family Resource Center", "social_services", "Mountain", "mfrc.org", 4, ""),
    ("Casa de la Familia", "social_services", "Coast", "casadelafamilia.org", 4, ""),
    ("Riverbend Family Network Alliance", "social_services", "Capital", "rbfna.org", 2, "dc"),
    ("State Office of Family Services", "government", "Capital", "sofs.state.gov", 5, "d3"),
    ("North Valley County Human Services", "government", "North Valley", "nvchs.gov", 4, ""),
    ("Coast County Housing Authority", "government", "Coast", "coasthousing.gov", 3, ""),
    ("Mountain County Social Services", "government", "Mountain", "mtncounty.gov", 4, "d2"),
    ("Parent Leaders of North Valley", "residents", "North Valley", "parentleadersnv.org", 3, ""),
    ("Padres Unidos del Valle", "residents", "North Valley", "padresunidos.org", 3, ""),
    ("Capital Neighborhood Council", "residents", "Capital", "capitalnc.org", 3, ""),
    ("Mountain Families Circle", "residents", "Mountain", "mtnfamilies.org", 3, ""),
)
SPANISH_ORGS = {"Casa de la Familia", "Padres Unidos del Valle"}
BROKER_ORG = "Riverbend School-Based Health Alliance"

FIRST_EN = (
    "Ana",
    "Ben",
    "Claire",
    "David",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Iris",
    "Jack",
    "Karen",
    "Leo",
    "Maya",
    "Nathan",
    "Olivia",
    "Paul",
    "Quinn",
    "Rachel",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Will",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Aisha",
    "Brian",
    "Chloe",
    "Derek",
    "Elena",
    "Fiona",
    "Gavin",
    "Hannah",
    "Ian",
    "Julia",
    "Kevin",
    "Linda",
    "Marcus",
    "Nina",
    "Owen",
    "Priya",
    "Ravi",
    "Sarah",
    "Tom",
    "Uma",
    "Victor",
    "Wendy",
    "Kim",
    "Lena",
    "Mei",
    "Noah",
    "Omar",
)
LAST_EN = (
    "Anderson",
    "Baker",
    "Chen",
    "Davis",
    "Evans",
    "Foster",
    "Garcia",
    "Harris",
    "Ito",
    "Johnson",
    "Kim",
    "Lee",
    "Miller",
    "Nguyen",
    "Okafor",
    "Patel",
    "Reed",
    "Singh",
    "Taylor",
    "Vance",
    "Walker",
    "Young",
    "Brooks",
    "Carter",
    "Dunn",
    "Ellis",
    "Fisher",
    "Grant",
    "Hughes",
    "Park",
    "Morgan",
    "Shah",
    "Tran",
    "Wong",
    "Bell",
    "Cole",
    "Hayes",
    "Price",
    "Ross",
    "Stone",
)
FIRST_ES = (
    "María",
    "José",
    "Lucía",
    "Carlos",
    "Sofía",
    "Javier",
    "Valentina",
    "Andrés",
    "Camila",
    "Luis",
    "Isabel",
    "Diego",
    "Rosa",
    "Miguel",
    "Gabriela",
    "Alejandro",
    "Ximena",
    "Raúl",
    "Marisol",
    "Héctor",
    "Beatriz",
    "Tomás",
    "Pilar",
    "Ramón",
)
LAST_ES = (
    "López",
    "Hernández",
    "Ruiz",
    "Martínez",
    "González",
    "Ramírez",
    "Torres",
    "Flores",
    "Vargas",
    "Castillo",
    "Morales",
    "Ortiz",
    "Jiménez",
    "Reyes",
    "Mendoza",
    "Guzmán",
    "Navarro",
    "Peña",
)

ITEMS = ("reliability", "mission", "openness", "power", "involvement", "resources")
TRUST_ITEMS = ("reliability", "mission", "openness")
ITEM_LABELS = {
    "reliability": "Reliability",
    "mission": "Support of mission",
    "openness": "Open to discussion",
    "power": "Power/influence",
    "involvement": "Level of involvement",
    "resources": "Resource contribution",
}
LEARNING_TEXT = "I learned something I use in my work from this network"
CHOICES = {1: "Not at all", 2: "A small amount", 3: "A fair amount", 4: "A great deal"}

# The Grid's 10 good practices and 10 challenges, in the order of Backer & Kern (2010),
# with the values a coordinator gave them each year (0-3) and a note.
CHECKLIST = (
    ("gp1", "safe, trustful place to interact", (1, 2, 3)),
    ("gp2", "personal as well as professional interactions", (1, 2, 2)),
    ("gp3", "structure customized to participant needs", (1, 2, 3)),
    ("gp4", "opportunities for organizations to collaborate", (1, 2, 3)),
    ("gp5", "participant feedback on strengths and challenges", (1, 2, 3)),
    ("gp6", "initial success built before broadening participation", (2, 2, 2)),
    ("gp7", "resources to translate ideas into action", (1, 1, 2)),
    ("gp8", "sub-groups on topics of interest", (0, 1, 2)),
    ("gp9", "activity shaped by other networks' successes", (0, 1, 1)),
    ("gp10", "playing field levelled by sharing basic information", (1, 2, 3)),
    ("ch1", "cost in time and money", (2, 2, 2)),
    ("ch2", "difficulty taking action on good ideas", (3, 2, 1)),
    ("ch3", "goals hard to identify and share", (2, 1, 1)),
    ("ch4", "integration with the sponsor's other activities", (2, 2, 1)),
    ("ch5", "balancing equality with expertise", (1, 1, 1)),
    ("ch6", "sponsor's organizational complexity and culture", (2, 2, 1)),
    ("ch7", "exit strategy", (2, 2, 2)),
    ("ch8", "replicating the activities", (1, 1, 1)),
    ("ch9", "participant turnover", (2, 2, 2)),
    ("ch10", "individual and group psychological factors", (2, 1, 1)),
)
CHECKLIST_EVIDENCE = {
    2023: "first self-rating at the annual evaluation; little data behind it",
    2024: "rated at the annual evaluation with the 2024 survey and meeting logs at hand",
    2025: "rated at the annual evaluation; evidence in the 2025 survey, problem log and action log",
}

OUTCOMES = (
    # measure, unit, direction, target, values, note
    (
        "families_referred_across_agencies",
        "families",
        "higher",
        "300",
        ("142", "215", "318"),
        "families referred by one member agency to another and confirmed by the receiving agency",
    ),
    (
        "share_of_agencies_with_spanish_intake",
        "share",
        "higher",
        "0.5",
        ("0.32", "0.44", "0.6"),
        "member organizations able to take a family's intake in Spanish (coordinator count)",
    ),
    (
        "median_days_referral_to_service",
        "days",
        "lower",
        "14",
        ("21", "17", "12"),
        "median days from a cross-agency referral to the family's first service",
    ),
)

# The deliberate data-quality defects; positions are filled in by write_sample().
DEFECTS = {
    "duplicate_email": "two members.csv rows share one email: the same person entered twice",
    "bad_timestamp": "interactions.csv row with the unparseable timestamp '31/02/2024 10:00'",
    "unknown_member": "interactions.csv row whose target 'm173' is not in members.csv",
    "end_before_start": "events.csv row whose end is before its start (15:00 typed as 03:00)",
}
UNKNOWN_ID = "m173"
BROKER_ID = "m012"  # checked by build(): the broker's member_id after numbering
BAD_TIMESTAMP = "31/02/2024 10:00"


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass(eq=False)
class Member:
    key: int
    name: str
    org: int
    language: str
    role: str = "member"
    joined: date = FOUNDED
    left: date | None = None
    supervisor: Member | None = None
    expertise: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    engage: float = 0.5
    voice: float = 1.0
    social: float = 1.0
    first_tie: date = FOUNDED
    newcomer: bool = False
    integrated: bool = True
    contacts: dict = field(default_factory=dict)  # Member -> date the acquaintance began
    email: str = ""
    mid: str = ""

    @property
    def sector(self) -> str:
        return ORGS[self.org][1]

    @property
    def region(self) -> str:
        return ORGS[self.org][2]

    def active(self, d: date) -> bool:
        return self.joined <= d <= END and (self.left is None or d <= self.left)

    def can_tie(self, d: date) -> bool:
        return self.active(d) and d >= self.first_tie


def _ascii(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).lower().replace(" ", "")


def _fmt_ts(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def _weekday_on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


class Generator:
    """All the random draws, in a fixed order."""

    def __init__(self, seed: int = SEED, *, drift: bool = True):
        self.rng = np.random.default_rng(seed)
        # drift=False: the Mountain region keeps its 2023 level every year (no drift away;
        # the variant the report's findings are tested against)
        self.drift = drift
        self.members: list[Member] = []
        self.names: set[str] = set()
        self.events: list[dict] = []
        self.rows: list[dict] = []  # interactions
        self.problems: list[dict] = []
        self.actions: list[dict] = []
        self.surveys: list[dict] = []
        self.qualtrics: dict[int, pd.DataFrame] = {}
        self.msg_counter = 0
        self.broker: Member | None = None
        self.coordinators: list[Member] = []
        self.dup: tuple[Member, Member] | None = None

    # --- small helpers -------------------------------------------------------------------

    def mountain(self, year: int) -> float:
        """The activity multiplier of Mountain members (2023's in every year without drift)."""
        return float(YEAR[year if self.drift else 2023]["mountain"])

    def choice(self, seq, p=None):
        seq = list(seq)
        if p is not None:
            p = np.asarray(p, dtype=float)
            p = p / p.sum()
        return seq[int(self.rng.choice(len(seq), p=p))]

    def sample(self, seq, k, p=None):
        seq = list(seq)
        k = min(k, len(seq))
        if p is not None:
            p = np.asarray(p, dtype=float)
            p = p / p.sum()
        idx = self.rng.choice(len(seq), size=k, replace=False, p=p)
        return [seq[int(i)] for i in idx]

    def rand_day(self, d0: date, d1: date, weekdays: float = 0.9) -> date:
        span = (d1 - d0).days
        for _ in range(6):
            d = d0 + timedelta(days=int(self.rng.integers(0, span + 1)))
            if d.weekday() < 5 or self.rng.random() > weekdays:
                return d
        return d

    def rand_time(self, d: date, h0: int = 8, h1: int = 18) -> datetime:
        minute = int(self.rng.integers(h0 * 60, h1 * 60))
        return datetime(d.year, d.month, d.day) + timedelta(
            minutes=minute, seconds=int(self.rng.integers(0, 60))
        )

    def new_name(self, spanish: bool) -> str:
        while True:
            if spanish:
                name = f"{self.choice(FIRST_ES)} {self.choice(LAST_ES)}"
            elif self.rng.random() < 0.12:
                name = f"{self.choice(FIRST_EN)} {self.choice(LAST_ES)}"
            else:
                name = f"{self.choice(FIRST_EN)} {self.choice(LAST_EN)}"
            if _ascii(name) not in self.names:
                self.names.add(_ascii(name))
                return name

    def topics_for(self, org: int) -> tuple[list, list]:
        pool = SECTOR_TOPICS[ORGS[org][1]]
        weights = np.array([3.0 if t in pool else 1.0 for t in TOPICS])
        expertise = self.sample(TOPICS, int(self.rng.integers(1, 4)), p=weights)
        rest = [t for t in TOPICS if t not in expertise]
        needs = self.sample(rest, int(self.rng.integers(1, 3)))
        order = {t: i for i, t in enumerate(TOPICS)}
        return sorted(expertise, key=order.get), sorted(needs, key=order.get)

    def make_member(self, org: int, joined: date, *, spanish: bool | None = None) -> Member:
        if spanish is None:
            name_org = ORGS[org][0]
            p_es = (
                0.8
                if name_org in SPANISH_ORGS
                else (0.08 if ORGS[org][2] in ("Coast", "North Valley") else 0.03)
            )
            spanish = bool(self.rng.random() < p_es)
        name = self.new_name(spanish)
        m = Member(
            key=len(self.members),
            name=name,
            org=org,
            language="es" if spanish else "en",
            joined=joined,
        )
        m.expertise, m.needs = self.topics_for(org)
        m.engage = float(np.clip(self.rng.beta(3, 2), 0.1, 0.97))
        quiet = self.rng.random() < 0.2
        m.voice = 0.0 if quiet else float(self.rng.lognormal(0.0, 1.0))
        m.social = float(self.rng.lognormal(0.0, 0.45))
        m.first_tie = joined
        self.members.append(m)
        return m

    # --- roster --------------------------------------------------------------------------

    def build_roster(self) -> None:
        rng = self.rng
        span = (date(2022, 12, 15) - FOUNDED).days
        for o, (oname, _sector, _region, _domain, size, hier) in enumerate(ORGS):
            staff = []
            for _i in range(size):
                joined = FOUNDED + timedelta(days=int(rng.integers(0, span)))
                staff.append(self.make_member(o, joined))
            staff.sort(key=lambda m: m.joined)
            if hier == "d3":
                d, s = staff[0], staff[1]
                d.role, s.role, s.supervisor = "director", "supervisor", d
                for m in staff[2:]:
                    m.supervisor = s
            elif hier == "d2":
                s = staff[0]
                s.role = "supervisor"
                for m in staff[1:]:
                    m.supervisor = s
            elif hier == "dc":
                d = staff[0]
                d.role = "director"
                for m in staff[1:]:
                    m.supervisor = d
            if oname == "State Office of Family Services":
                c = staff[2]
                c.role, c.joined, c.first_tie = "coordinator", FOUNDED, FOUNDED
                c.engage, c.social, c.voice = 0.97, 2.2, max(c.voice, 3.0)
                self.coordinators.append(c)
            if oname == BROKER_ORG:
                b = staff[0]
                b.engage, b.social, b.voice = 0.92, 2.4, max(b.voice, 2.0)
                b.expertise = ["early_childhood", "mental_health", "youth"]
                b.needs = ["funding", "data_sharing"]
                self.broker = b
        # a few dominant voices
        posters = [m for m in self.members if m.voice > 0 and m not in self.coordinators]
        posters.sort(key=lambda m: -m.voice)
        for m in posters[:5]:
            m.voice *= 3.0

    def contact_weight(self, a: Member, b: Member, year: int) -> float:
        w = b.social
        if a.region == b.region:
            w *= 2.0
        if a.sector == b.sector:
            w *= 1.5
        if {a.sector, b.sector} == {"health", "education"} and self.broker not in (a, b):
            w *= 0.08
        if a.language == "es" and b.language == "es":
            w *= 3.0
        if "Mountain" in (a.region, b.region) and a.region != b.region:
            w *= {2023: 0.7, 2024: 0.4, 2025: 0.25}[year if self.drift else 2023]
        return w

    def add_contact(self, a: Member, d: date, year: int) -> None:
        cands = [
            b
            for b in self.members
            if b is not a and b.org != a.org and b.can_tie(d) and b not in a.contacts
        ]
        if not cands:
            return
        w = [self.contact_weight(a, b, year) for b in cands]
        b = self.choice(cands, p=w)
        a.contacts[b] = d
        b.contacts[a] = d

    def initial_contacts(self) -> None:
        d = date(2022, 12, 31)
        for m in list(self.members):
            for _ in range(int(self.rng.poisson(0.45 * m.social**0.5))):
                self.add_contact(m, m.joined + (d - m.joined) // 2, 2023)
        b = self.broker
        edu = [m for m in self.members if m.sector == "education"]
        for m in self.sample(edu, 9):
            b.contacts[m] = m.contacts[b] = max(b.joined, m.joined) + timedelta(days=30)
        for m in self.sample(
            [m for m in self.members if m.sector == "health" and m.org != b.org], 4
        ):
            b.contacts[m] = m.contacts[b] = max(b.joined, m.joined) + timedelta(days=30)
        for c in self.coordinators:
            for m in self.sample(
                [m for m in self.members if m.org != c.org and m not in c.contacts], 8
            ):
                c.contacts[m] = m.contacts[c] = max(c.joined, m.joined) + timedelta(days=20)

    def turnover(self, year: int) -> None:
        p = YEAR[year]
        y0, y1 = date(year, 1, 1), date(year, 12, 31)
        # leavers
        protected = set(self.coordinators) | {self.broker}
        if self.dup:
            protected |= set(self.dup)
        cands = [
            m
            for m in self.members
            if m.active(y0)
            and m.role == "member"
            and m not in protected
            and (m.joined < y0 - timedelta(days=120))
        ]
        w = [
            (1.25 - m.engage)
            * (2.2 if (m.region == "Mountain" and year > 2023 and self.drift) else 1.0)
            * (1.8 if (m.newcomer and not m.integrated) else 1.0)
            for m in cands
        ]
        for m in self.sample(cands, p["n_leave"], p=w):
            m.left = self.rand_day(max(y0, m.joined + timedelta(days=60)), y1, weekdays=1.0)
        # newcomers
        n_new = p["n_new"]
        mountain = {2023: 1.0, 2024: 0.4, 2025: 0.25}[year if self.drift else 2023]
        ow = np.array([o[4] * (mountain if o[2] == "Mountain" else 1.0) for o in ORGS])
        days = sorted(
            self.rand_day(date(year, 1, 9), date(year, 10, 31), weekdays=1.0)
            for _ in range(n_new - 2)
        )
        days += sorted(
            self.rand_day(date(year, 11, 3), date(year, 12, 12), weekdays=1.0) for _ in range(2)
        )
        es_boost = {2023: 0.0, 2024: 0.1, 2025: 0.2}[year]
        fresh = []
        for d in days:
            o = int(self.rng.choice(len(ORGS), p=ow / ow.sum()))
            spanish = None
            if self.rng.random() < es_boost:
                spanish = True
            m = self.make_member(o, d, spanish=spanish)
            m.newcomer = True
            staff = [
                s
                for s in self.members
                if s.org == o and s.role in ("supervisor", "director") and s.active(d)
            ]
            if ORGS[o][5] and staff:
                sup = [s for s in staff if s.role == "supervisor"] or staff
                m.supervisor = sup[0]
            fresh.append(m)
        if year == 2024:
            # the second coordinator, at the intermediary
            o = [i for i, org in enumerate(ORGS) if org[5] == "dc"][0]
            c = self.make_member(o, date(2024, 2, 5), spanish=True)
            c.role, c.newcomer = "coordinator", True
            c.engage, c.social, c.voice = 0.95, 2.0, 2.5
            c.supervisor = [s for s in self.members if s.org == o and s.role == "director"][0]
            self.coordinators.append(c)
            fresh.append(c)
            # the duplicate identity: an established member registered again at an orientation
            orig = [
                m
                for m in self.members
                if ORGS[m.org][0] == "Casa de la Familia"
                and m.joined < START
                and m.language == "es"
                and m.left is None
            ][0]
            dup = Member(
                key=len(self.members),
                name=_ascii_name(orig.name),
                org=orig.org,
                language="es",
                joined=date(2024, 4, 16),
                expertise=list(orig.expertise),
                needs=list(orig.needs),
                engage=0.4,
                voice=0.3,
                social=0.6,
                first_tie=date(2024, 4, 16),
                newcomer=True,
                integrated=True,
            )
            self.members.append(dup)
            self.dup = (orig, dup)
            orig.left = None
        # integration: an exact share of the year's newcomers gets a tie within 60 days
        regular = [
            m for m in fresh if m.role == "member" and m is not (self.dup or (None, None))[1]
        ]
        n_int = int(round(p["p_integrate"] * len(regular)))
        order = self.rng.permutation(len(regular))
        for rank, i in enumerate(order):
            m = regular[int(i)]
            m.integrated = rank < n_int
        for m in fresh:
            if m.integrated:
                m.first_tie = m.joined + timedelta(days=int(self.rng.integers(4, 50)))
            else:
                m.first_tie = m.joined + timedelta(days=int(self.rng.integers(75, 260)))
        self.fresh_by_year[year] = fresh

    def emails(self) -> None:
        for m in self.members:
            first, last = m.name.split(" ", 1)
            m.email = f"{_ascii(first)}.{_ascii(last)}@{ORGS[m.org][3]}"
        orig, dup = self.dup
        dup.email = orig.email
        order = sorted(self.members, key=lambda m: (m.joined, m.key))
        for i, m in enumerate(order, start=1):
            m.mid = f"m{i:03d}"

    # --- partners ------------------------------------------------------------------------

    def acquaintances(self, m: Member, d: date, *, posting: bool = False):
        col = [c for c in self.org_members[m.org] if c is not m and c.can_tie(d)]
        ext = [c for c, since in m.contacts.items() if since <= d and c.can_tie(d)]
        if posting:
            col = [c for c in col if c.voice > 0]
            ext = [c for c in ext if c.voice > 0]
        return col, ext

    def partner(
        self, m: Member, d: date, year: int, *, posting: bool = False, cross: float | None = None
    ) -> Member | None:
        cross = YEAR[year]["cross_org"] if cross is None else cross
        col, ext = self.acquaintances(m, d, posting=posting)
        r = self.rng.random()
        if r < 0.005:
            pool = [
                c
                for c in self.members
                if c is not m and c.can_tie(d) and (c.voice > 0 or not posting)
            ]
        elif ext and (r < 0.005 + cross or not col):
            pool = ext
        else:
            pool = col
        if not pool:
            return None
        if posting:  # who answers on the listserv: the loud voices answer most
            return self.choice(pool, p=[c.voice * (0.5 + c.engage) for c in pool])
        return self.choice(pool, p=[c.social * (0.5 + c.engage) for c in pool])

    # --- events --------------------------------------------------------------------------

    def add_event(
        self,
        start: datetime,
        minutes: int,
        kind: str,
        fmt: str,
        title: str,
        host: Member,
        region: str = "",
        language: str = "en",
        channel: str = "video",
    ) -> dict:
        ev = dict(
            start=start,
            end=start + timedelta(minutes=minutes),
            kind=kind,
            format=fmt,
            title=title,
            host=host,
            region=region,
            language=language,
            channel=channel,
            minutes=minutes,
            year=start.year,
        )
        self.events.append(ev)
        return ev

    def coordinator_on(self, d: date) -> Member:
        active = [c for c in self.coordinators if c.active(d)]
        if len(active) > 1 and self.rng.random() < 0.4:
            return active[1]
        return active[0]

    def schedule(self, year: int) -> None:
        # statewide network meetings
        in_person = {2023: {3}, 2024: {3, 9}, 2025: {3, 6, 9}}[year]
        skip = {2023: {7, 8, 12}, 2024: {8}, 2025: set()}[year]
        for month in range(1, 13):
            if month in skip:
                continue
            second_tue = _weekday_on_or_after(date(year, month, 1), 1) + timedelta(days=7)
            if year == 2025:
                d, hour = second_tue, 10
            elif year == 2024:
                d = second_tue + timedelta(days=int(self.choice([-7, 0, 0, 0, 1, 2])))
                hour = 10
            else:
                d = self.rand_day(date(year, month, 3), date(year, month, 26), weekdays=1.0)
                hour = int(self.choice([9, 10, 13, 14]))
            ch = "in_person" if month in in_person else "video"
            title = "Statewide network meeting" + (
                " (in-person convening)" if ch == "in_person" else ""
            )
            self.add_event(
                datetime(d.year, d.month, d.day, hour),
                90,
                "meeting",
                "network_meeting",
                title,
                self.coordinator_on(d),
                channel=ch,
            )
        # quarterly regional meetings
        held = {"Mountain": {2023: (1, 2, 3, 4), 2024: (1, 2, 4), 2025: (1, 3)}[
            year if self.drift else 2023]}
        es_regions = {2023: set(), 2024: {"Coast"}, 2025: {"Coast", "North Valley"}}[year]
        for q in range(1, 5):
            for region in REGIONS:
                if q not in held.get(region, (1, 2, 3, 4)):
                    continue
                month = 3 * (q - 1) + 2
                if year == 2025:
                    d = _weekday_on_or_after(date(year, month, 1), 3)
                else:
                    d = self.rand_day(date(year, month, 1), date(year, month, 28), weekdays=1.0)
                hosts = [m for m in self.members if m.region == region and m.can_tie(d)]
                w = [(3.0 if m.role != "member" else 1.0) * m.engage for m in hosts]
                host = self.choice(hosts, p=w)
                lang = "es" if (region in es_regions and (year == 2025 or q in (2, 4))) else "en"
                ch = ("video" if (region == "Mountain" and year == 2025 and self.drift)
                      else "in_person")
                title = (
                    f"Reunión regional {region}" if lang == "es" else f"{region} regional meeting"
                )
                # 2024 Q2 Coast: moved to 15:00, and its end is later typed as 03:00 (a defect)
                defect = year == 2024 and q == 2 and region == "Coast"
                ev = self.add_event(
                    datetime(d.year, d.month, d.day, 15 if defect else 13),
                    120,
                    "meeting",
                    "regional_meeting",
                    title,
                    host,
                    region=region,
                    language=lang,
                    channel=ch,
                )
                ev["defect_end"] = defect
        # trainings
        n_tr = {2023: 5, 2024: 6, 2025: 7}[year]
        n_es = {2023: 1, 2024: 2, 2025: 3}[year]
        es_slots = set(self.sample(range(n_tr), n_es))
        months = sorted(self.sample(range(1, 13), n_tr))
        for i, month in enumerate(months):
            topic = TOPICS[(i * 5 + year) % len(TOPICS)]
            d = self.rand_day(date(year, month, 2), date(year, month, 27), weekdays=1.0)
            experts = [m for m in self.members if topic in m.expertise and m.can_tie(d)]
            lang = "es" if i in es_slots else "en"
            if lang == "es":
                experts = [m for m in experts if m.language == "es"] or experts
            host = self.choice(experts) if experts else self.coordinator_on(d)
            pretty = topic.replace("_", " ")
            title = f"Capacitación: {pretty}" if lang == "es" else f"Training: {pretty}"
            self.add_event(
                datetime(d.year, d.month, d.day, 9, 30),
                150,
                "training",
                "training",
                title,
                host,
                language=lang,
                channel="in_person" if i == 2 else "video",
            )
        # case studies and problem-solving calls
        n_cs = 4
        n_ps = {2023: 3, 2024: 4, 2025: 6}[year]
        for fmt, n, kind, hour, minutes in (
            ("case_study", n_cs, "meeting", 14, 90),
            ("problem_solving", n_ps, "call", 12, 60),
        ):
            for i, month in enumerate(sorted(self.sample(range(1, 13), n))):
                d = self.rand_day(date(year, month, 2), date(year, month, 27), weekdays=1.0)
                topic = self.choice(TOPICS)
                hosts = [m for m in self.members if m.can_tie(d) and m.voice > 0]
                host = self.choice(hosts, p=[m.engage * (1 + m.voice) for m in hosts])
                lang = "es" if (year == 2025 and fmt == "case_study" and i % 2 == 1) else "en"
                if fmt == "case_study":
                    title = (
                        f"Estudio de caso: {topic.replace('_', ' ')}"
                        if lang == "es"
                        else f"Case study: {topic.replace('_', ' ')}"
                    )
                else:
                    title = f"Problem-solving call: {topic.replace('_', ' ')}"
                self.add_event(
                    datetime(d.year, d.month, d.day, hour),
                    minutes,
                    kind,
                    fmt,
                    title,
                    host,
                    language=lang,
                    channel="phone" if kind == "call" else "video",
                )
        # orientation for newcomers
        months = {2023: (3, 9), 2024: (2, 5, 8, 11), 2025: (1, 3, 5, 7, 9, 11)}[year]
        for month in months:
            d = _weekday_on_or_after(date(year, month, 15), 2)
            self.add_event(
                datetime(d.year, d.month, d.day, 15),
                60,
                "meeting",
                "orientation",
                "Orientation for new members",
                self.coordinator_on(d),
            )
        # resource assessments and the yearly evaluation
        months = {2023: (6,), 2024: (4, 10), 2025: (2, 6, 10)}[year]
        for month in months:
            d = _weekday_on_or_after(date(year, month, 20), 3)
            self.add_event(
                datetime(d.year, d.month, d.day, 10),
                120,
                "meeting",
                "resource_assessment",
                "Resource assessment",
                self.coordinator_on(d),
            )
        d = _weekday_on_or_after(date(year, 11, 12), 2)
        self.add_event(
            datetime(d.year, d.month, d.day, 9),
            240,
            "meeting",
            "evaluation",
            f"Annual network evaluation {year}",
            self.coordinators[0],
            channel="in_person",
        )

    def attendance(self, ev: dict) -> list[Member]:
        d = ev["start"].date()
        year = ev["year"]
        fmt = ev["format"]
        mountain = {2023: 1.0, 2024: 0.55, 2025: 0.22}[year if self.drift else 2023]
        base = {
            "network_meeting": 0.75,
            "regional_meeting": 0.7,
            "training": 0.3,
            "case_study": 0.22,
            "problem_solving": 0.22,
            "resource_assessment": 0.06,
            "evaluation": 0.25,
            "orientation": 0.0,
        }[fmt]
        out = []
        for m in self.members:
            if not m.active(d):
                continue
            if fmt == "regional_meeting" and m.region != ev["region"]:
                continue
            p = base * m.engage * {2023: 0.92, 2024: 0.96, 2025: 1.0}[year]
            if fmt == "training" and any(t.replace("_", " ") in ev["title"] for t in m.needs):
                p *= 2.0
            if fmt == "resource_assessment" and m.role != "member":
                p = 0.6
            if fmt == "orientation":
                recent = m.newcomer and 0 <= (d - m.joined).days <= 150 and not m.oriented
                p = (0.9 if m.integrated else 0.45) if recent else 0.0
            if m.region == "Mountain" and fmt != "regional_meeting":
                p *= mountain
            elif m.region == "Mountain":
                p *= mountain + 0.15
            if ev["language"] == "es":
                p *= 1.6 if m.language == "es" else 0.45
            elif m.language == "es":
                p *= 0.85
            if d < m.first_tie and fmt != "orientation":
                p *= 0.6
            if m is ev["host"] or (
                m in self.coordinators and fmt != "regional_meeting" and fmt != "training"
            ):
                p = 1.0
            if self.rng.random() < min(p, 0.97) or p >= 1.0:
                out.append(m)
                if fmt == "orientation":
                    m.oriented = True
        return out

    # --- interactions --------------------------------------------------------------------

    def row(
        self,
        ts: datetime,
        source: Member,
        kind: str,
        target: Member | None = None,
        *,
        event_id: str = "",
        channel: str = "",
        duration: int | None = None,
        topic: str = "",
        language: str = "",
        thread_id: str = "",
        message_id: str = "",
    ) -> dict:
        r = dict(
            timestamp=ts,
            source=source,
            kind=kind,
            target=target,
            event_id=event_id,
            channel=channel,
            duration_min="" if duration is None else str(duration),
            topic=topic,
            language=language or source.language,
            thread_id=thread_id,
            message_id=message_id,
        )
        self.rows.append(r)
        return r

    def lang_pair(self, a: Member, b: Member | None) -> str:
        if a.language == "es" and (b is None or b.language == "es"):
            return "es" if self.rng.random() < 0.7 else "en"
        return "en"

    def topic_of(self, m: Member) -> str:
        return self.choice(m.expertise + m.needs)

    def next_msg(self) -> str:
        self.msg_counter += 1
        return f"msg{self.msg_counter:05d}"

    def window(self, m: Member, year: int, *, tie: bool = True) -> tuple[date, date] | None:
        y0, y1 = date(year, 1, 1), date(year, 12, 31)
        a = max(y0, m.first_tie if tie else m.joined)
        b = min(y1, m.left or y1)
        return (a, b) if a <= b else None

    def year_interactions(self, year: int) -> None:
        p = YEAR[year]
        y0 = date(year, 1, 1)
        # new cross-organization acquaintances during the year
        for m in self.members:
            w = self.window(m, year)
            if not w:
                continue
            frac = ((w[1] - w[0]).days + 1) / 365
            lam = p["new_contacts"] * frac * m.social**0.5
            if m.region == "Mountain":
                lam *= self.mountain(year) * 0.6
            for _ in range(int(self.rng.poisson(lam))):
                self.add_contact(m, self.rand_day(*w), year)
        # newcomers' first tie (welcome call or coffee with an established member)
        for m in self.members:
            if not m.newcomer or m.first_tie.year != year or not m.can_tie(m.first_tie):
                continue
            d = m.first_tie
            est = [c for c in self.members if c.joined < m.joined and c.can_tie(d) and c is not m]
            same = [c for c in est if c.org == m.org]
            if same and self.rng.random() > p["cross_org"]:
                buddy = self.choice(same, p=[c.engage for c in same])
            else:
                w = [self.contact_weight(m, c, year) for c in est]
                buddy = self.choice(est, p=w)
                m.contacts[buddy] = buddy.contacts[m] = d
            kind = self.choice(["call", "contact"])
            self.row(
                self.rand_time(d, 9, 17),
                buddy,
                kind,
                m,
                channel="phone" if kind == "call" else "in_person",
                duration=int(self.rng.integers(15, 50)),
                topic="",
                language=self.lang_pair(buddy, m),
            )
        for m in self.members:
            w = self.window(m, year)
            if not w:
                continue
            frac = ((w[1] - w[0]).days + 1) / 365
            act = self.mountain(year) if m.region == "Mountain" else 1.0
            # listserv threads with replies, mentions and reactions
            if m.voice > 0:
                for _ in range(int(self.rng.poisson(m.voice * 2.2 * act * frac))):
                    self.thread(m, self.rand_time(self.rand_day(*w), 7, 21), year)
            # direct e-mails, calls, face-to-face contacts
            # quiet members (voice 0) never post: no listserv posts and no e-mails
            email_rate = 4.0 if m.voice > 0 else 0.0
            for kind, rate in (("message", email_rate), ("call", 3.0), ("contact", 1.5)):
                for _ in range(int(self.rng.poisson(rate * m.social * act * frac))):
                    d = self.rand_day(*w)
                    t = self.partner(m, d, year)
                    if t is None:
                        continue
                    ts = self.rand_time(d)
                    if kind == "message":
                        mid = self.next_msg()
                        self.row(
                            ts,
                            m,
                            "message",
                            t,
                            channel="email",
                            topic=self.topic_of(m),
                            language=self.lang_pair(m, t),
                            message_id=mid,
                        )
                    elif kind == "call":
                        self.row(
                            ts,
                            m,
                            "call",
                            t,
                            channel=self.choice(["phone", "video"]),
                            duration=int(self.rng.integers(5, 61)),
                            topic=self.choice([self.topic_of(m), ""]),
                            language=self.lang_pair(m, t),
                        )
                    else:
                        self.row(
                            ts, m, "contact", t, channel="in_person", language=self.lang_pair(m, t)
                        )
            # resources given
            for _ in range(int(self.rng.poisson(p["resource_rate"] * m.social * act * frac))):
                d = self.rand_day(*w)
                t = self.partner(m, d, year, cross=min(0.9, p["cross_org"] + 0.1))
                if t is not None:
                    self.row(
                        self.rand_time(d),
                        m,
                        "resource",
                        t,
                        channel="email",
                        topic=self.choice(m.expertise),
                        language=self.lang_pair(m, t),
                    )
            # referrals of families to another agency
            rate = {2023: 1.0, 2024: 1.3, 2025: 1.7}[year]
            if m.sector in ("residents", "education"):
                rate *= 0.4
            for _ in range(int(self.rng.poisson(rate * act * frac))):
                d = self.rand_day(*w)
                t = self.partner(m, d, year, cross=1.0)
                if t is not None and t.org != m.org:
                    self.row(
                        self.rand_time(d),
                        m,
                        "referral",
                        t,
                        channel=self.choice(["phone", "email"]),
                        topic=self.choice(m.needs + m.expertise),
                        language=self.lang_pair(m, t),
                    )
        del y0

    def thread(self, author: Member, ts: datetime, year: int) -> None:
        mid = self.next_msg()
        topic = self.topic_of(author)
        lang = self.lang_pair(author, None) if author.language == "es" else "en"
        self.row(
            ts,
            author,
            "message",
            None,
            channel="listserv",
            topic=topic,
            language=lang,
            thread_id=mid,
            message_id=mid,
        )
        posts = [(ts, author)]
        self.reactions(author, ts, year, lang)
        for _ in range(int(self.rng.poisson(1.7))):
            pts, parent = posts[int(self.rng.integers(0, len(posts)))]
            rts = pts + timedelta(minutes=int(self.rng.integers(8, 60 * 48)))
            if rts.date() > END or rts.hour < 7:
                continue
            replier = self.partner(parent, rts.date(), year, posting=True)
            if replier is None or not replier.can_tie(rts.date()):
                continue
            rid = self.next_msg()
            self.row(
                rts,
                replier,
                "reply",
                parent,
                channel="listserv",
                topic=topic,
                language=lang,
                thread_id=mid,
                message_id=rid,
            )
            posts.append((rts, replier))
            if self.rng.random() < 0.15:
                t = self.partner(replier, rts.date(), year)
                if t is not None and t is not parent:
                    self.row(
                        rts,
                        replier,
                        "mention",
                        t,
                        channel="listserv",
                        topic=topic,
                        language=lang,
                        thread_id=mid,
                        message_id=rid,
                    )
            self.reactions(replier, rts, year, lang)

    def reactions(self, author: Member, ts: datetime, year: int, lang: str) -> None:
        for _ in range(int(self.rng.poisson(0.9))):
            rts = ts + timedelta(minutes=int(self.rng.integers(2, 600)))
            if rts.date() > END or rts.hour < 7:
                continue
            r = self.partner(author, rts.date(), year, posting=True)
            if r is not None:
                self.row(rts, r, "reaction", author, channel="listserv", language=lang)

    def number_events(self) -> None:
        self.events.sort(key=lambda e: (e["start"], e["format"], e["title"]))
        for i, ev in enumerate(self.events, start=1):
            ev["event_id"] = f"e{i:03d}"
        # an exact share of each year's events set the next meeting's date
        for year in YEARS:
            evs = [e for e in self.events if e["year"] == year]
            n_set = int(round(YEAR[year]["p_next_date"] * len(evs)))
            for rank, i in enumerate(self.rng.permutation(len(evs))):
                evs[int(i)]["next_date_set"] = rank < n_set

    def event_rows(self, year: int) -> None:
        for ev in self.events:
            if ev["year"] != year:
                continue
            att = self.attendance(ev)
            ev["attendees"] = att
            for m in att:
                late = int(self.rng.integers(-5, 11))
                stay = int(round(ev["minutes"] * self.rng.uniform(0.65, 1.0)))
                self.row(
                    ev["start"] + timedelta(minutes=late),
                    m,
                    "attend",
                    event_id=ev["event_id"],
                    channel=ev["channel"],
                    duration=stay,
                    language=ev["language"],
                )
            if ev["channel"] == "in_person":
                present = set(att)
                d = ev["start"].date()
                for m in att:
                    if self.rng.random() < 0.3 and m.can_tie(d):
                        t = self.partner(m, d, ev["year"])
                        if t is not None and t in present:
                            ts = ev["start"] + timedelta(
                                minutes=int(self.rng.integers(0, ev["minutes"]))
                            )
                            self.row(
                                ts,
                                m,
                                "contact",
                                t,
                                event_id=ev["event_id"],
                                channel="in_person",
                                language=ev["language"],
                            )
            p = YEAR[ev["year"]]
            # action items agreed at meetings
            if (
                ev["format"]
                in ("network_meeting", "regional_meeting", "case_study", "problem_solving")
                and att
            ):
                for _ in range(min(4, int(self.rng.poisson(1.6)))):
                    owner = self.choice(att)
                    due = ev["start"].date() + timedelta(
                        days=int(self.choice([14, 21, 28, 30, 45]))
                    )
                    done = ""
                    if self.rng.random() < p["p_done"]:
                        if self.rng.random() < p["p_late"]:
                            dd = due + timedelta(days=int(self.rng.integers(1, 41)))
                        else:
                            dd = due - timedelta(days=int(self.rng.integers(0, 11)))
                        if dd <= END:
                            done = dd.isoformat()
                    self.actions.append(
                        dict(
                            owner=owner, due=due.isoformat(), event_id=ev["event_id"], done_at=done
                        )
                    )

    def problem_log(self, year: int) -> None:
        p = YEAR[year]
        outcomes_solved = (
            "shared a working template",
            "agencies agreed a joint referral path",
            "funding source identified and applied for",
            "peer visit arranged; practice adopted",
            "data-sharing agreement signed",
            "interpreter pool shared between agencies",
            "county contact found who fixed the issue",
            "training arranged for staff",
        )
        n = p["n_problems"]
        n_solved = int(round(p["p_solved"] * n))
        solved_rank = self.rng.permutation(n)
        # days to solve: lognormal around the year's median, centred so the median holds
        z = self.rng.normal(0.0, 0.55, n_solved)
        z = z - np.median(z)
        for i_problem in range(n):
            d = self.rand_day(date(year, 1, 5), date(year, 12, 15), weekdays=1.0)
            cands = [m for m in self.members if m.can_tie(d)]
            raiser = self.choice(cands, p=[(0.3 + m.voice) * m.engage for m in cands])
            topic = self.choice(raiser.needs)
            raised = self.rand_time(d)
            col, ext = self.acquaintances(raiser, d)
            known = [m for m in col + ext if topic in m.expertise]
            others = [m for m in cands if topic in m.expertise and m is not raiser]
            helpers = []
            for _k in range(int(self.rng.integers(1, 4))):
                pool = [
                    m
                    for m in (known if (known and self.rng.random() < 0.9) else others)
                    if m not in helpers
                ]
                if not pool:
                    break
                if self.rng.random() < p["cross_org"] + 0.15:
                    pool = [m for m in pool if m.org != raiser.org] or pool
                helpers.append(self.choice(pool))
            solved_at = None
            status = "open"
            outcome = ""
            if solved_rank[i_problem] < n_solved:
                days = float(np.clip(p["solve_days"] * np.exp(z[solved_rank[i_problem]]), 1, 200))
                solved_at = raised + timedelta(days=days)
                if solved_at.date() > END:
                    solved_at = None
                else:
                    status = "solved"
                    outcome = self.choice(outcomes_solved)
            elif (END - d).days > 90 and self.rng.random() < 0.6:
                status = "dropped"
                outcome = self.choice(
                    (
                        "dropped: no capacity to follow up",
                        "dropped: out of the network's scope",
                        "dropped: raiser left the agency",
                    )
                )
            self.problems.append(
                dict(
                    raised_by=raiser,
                    raised_at=raised,
                    topic=topic,
                    helpers=helpers,
                    solved_at=solved_at,
                    status=status,
                    outcome=outcome,
                )
            )
            stop = solved_at or (raised + timedelta(days=30))
            for h in helpers:
                for _ in range(int(self.rng.integers(1, 3))):
                    span = max(1, (stop - raised).days)
                    hd = d + timedelta(days=int(self.rng.integers(0, span)))
                    if hd > END or not h.can_tie(hd) or not raiser.active(hd):
                        continue
                    self.row(
                        self.rand_time(hd),
                        h,
                        "help",
                        raiser,
                        channel=self.choice(["email", "phone", "video"]),
                        topic=topic,
                        language=self.lang_pair(h, raiser),
                    )

        # an exact share of the year's closed problems keeps its recorded outcome
        closed = [q for q in self.problems if q["raised_at"].year == year and q["status"] != "open"]
        keep = int(round(p["p_outcome"] * len(closed)))
        for rank, i in enumerate(self.rng.permutation(len(closed))):
            if rank >= keep:
                closed[int(i)]["outcome"] = ""

    # --- survey --------------------------------------------------------------------------

    def survey(self, year: int) -> None:
        p = YEAR[year]
        open_day = date(year, 10, 1)
        eligible = [m for m in self.members if m.active(open_day)]
        eligible.sort(key=lambda m: m.mid)
        n_resp = int(round(p["response_rate"] * len(eligible)))
        idx = sorted(int(i) for i in self.rng.choice(len(eligible), size=n_resp, replace=False))
        respondents = [eligible[i] for i in idx]
        resp_effect = {m: float(self.rng.normal(0, 0.3)) for m in respondents}
        # the roster shown in the survey: members active through October
        partners = [m for m in eligible if m.active(date(year, 10, 31))]
        shown = set(partners)
        meta = []
        cells = []
        lo = date(year - 1, 10, 1)
        for m in respondents:
            col = [c for c in self.org_members[m.org] if c is not m and c.active(open_day)]
            ext = [c for c, since in m.contacts.items() if since <= open_day and c.active(open_day)]
            talked = {
                t for d, t in self.talked.get(m, ()) if lo <= d <= open_day and t.active(open_day)
            }
            known = list(dict.fromkeys(col + ext + sorted(talked, key=lambda c: c.key)))
            if self.dup and m in self.dup:
                known = [c for c in known if c not in self.dup]
            known = [c for c in known if c is not m and c in shown]
            k = int(self.rng.integers(8, 16))
            rated = self.sample(known, k)
            if len(rated) < 8:
                rest = [
                    c
                    for c in partners
                    if c is not m
                    and c not in rated
                    and not (self.dup and m in self.dup and c in self.dup)
                ]
                rated += self.sample(rest, 8 - len(rated))
            rated.sort(key=lambda c: c.mid)
            last = min(date(year, 10, 24), m.left or END)
            day = self.rand_day(date(year, 10, 1), last, weekdays=0.95)
            start = self.rand_time(day, 7, 20)
            dur = int(self.rng.integers(240, 1500))
            meta.append((m, start, dur))
            for c in rated:
                for item in ITEMS:
                    if self.rng.random() < 0.03:
                        continue  # item non-response
                    noise = float(self.rng.normal(0, 0.55))
                    if item in TRUST_ITEMS:
                        v = (
                            p["trust_mean"]
                            + resp_effect[m]
                            + (0.25 if c.org == m.org else 0.0)
                            + (0.15 if c in m.contacts else 0.0)
                            - 0.12
                            + noise
                        )
                    elif item == "power":
                        v = (
                            2.1
                            + {"director": 0.9, "supervisor": 0.5, "coordinator": 0.7}.get(
                                c.role, 0.0
                            )
                            + noise
                        )
                    elif item == "involvement":
                        v = 1.6 + 1.4 * c.engage + noise
                    else:
                        v = 1.9 + 0.2 * (year - 2023) + 0.35 * min(c.social, 2.0) + noise
                    cells.append((m, c, item, v, day))
            if self.rng.random() < 0.97:
                v = p["learning_mean"] + resp_effect[m] + float(self.rng.normal(0, 0.6))
                cells.append((m, None, "learning", v, day))
        # centre the latent trust and learning scores on the year's design mean, then round
        shift = {}
        for items, key in ((TRUST_ITEMS, "trust_mean"), (("learning",), "learning_mean")):
            latent = [v for _m, _c, item, v, _d in cells if item in items]
            for item in items:
                shift[item] = p[key] - float(np.mean(latent))
        cells = [
            (m, c, item, int(np.clip(round(v + shift.get(item, 0.0)), 1, 4)), day)
            for m, c, item, v, day in cells
        ]
        for m, c, item, value, day in cells:
            self.surveys.append(
                dict(
                    respondent=m.mid,
                    about="" if c is None else c.mid,
                    item=item,
                    value=str(value),
                    wave=str(year),
                    scale_min="1",
                    scale_max="4",
                    date=day.isoformat(),
                )
            )
        self.qualtrics[year] = self.qualtrics_frame(year, meta, cells, partners)

    def qualtrics_frame(self, year, meta, cells, partners) -> pd.DataFrame:
        meta_cols = [
            "StartDate",
            "EndDate",
            "Status",
            "Progress",
            "Duration (in seconds)",
            "Finished",
            "RecordedDate",
            "ResponseId",
            "RecipientEmail",
            "ExternalReference",
        ]
        meta_text = [
            "Start Date",
            "End Date",
            "Response Type",
            "Progress",
            "Duration (in seconds)",
            "Finished",
            "Recorded Date",
            "Response ID",
            "Recipient Email",
            "External Data Reference",
        ]
        meta_import = [
            {"ImportId": "startDate", "timeZone": TZ},
            {"ImportId": "endDate", "timeZone": TZ},
            {"ImportId": "status"},
            {"ImportId": "progress"},
            {"ImportId": "duration"},
            {"ImportId": "finished"},
            {"ImportId": "recordedDate", "timeZone": TZ},
            {"ImportId": "_recordId"},
            {"ImportId": "recipientEmail"},
            {"ImportId": "externalDataReference"},
        ]
        tags, texts, imports = (
            list(meta_cols),
            list(meta_text),
            [json.dumps(x, separators=(",", ":")) for x in meta_import],
        )
        col_of = {}
        for q, item in enumerate(ITEMS, start=3):
            for j, c in enumerate(partners, start=1):
                col_of[(item, c)] = len(tags)
                tags.append(f"Q{q}_{j}")
                texts.append(f"{ITEM_LABELS[item]} - {c.name}")
                imports.append(json.dumps({"ImportId": f"QID{q}_{j}"}, separators=(",", ":")))
        col_of[("learning", None)] = len(tags)
        tags.append("Q9")
        texts.append(LEARNING_TEXT)
        imports.append(json.dumps({"ImportId": "QID9"}, separators=(",", ":")))
        row_of = {}
        body = []
        alphabet = string.ascii_letters + string.digits
        for m, start, dur in meta:
            end = start + timedelta(seconds=dur)
            rid = "R_" + "".join(alphabet[int(i)] for i in self.rng.integers(0, len(alphabet), 15))
            rec = end + timedelta(seconds=int(self.rng.integers(0, 3)))
            row = [
                _fmt_ts(start),
                _fmt_ts(end),
                "IP Address",
                "100",
                str(dur),
                "True",
                _fmt_ts(rec),
                rid,
                m.email,
                m.mid,
            ] + [""] * (len(tags) - len(meta_cols))
            row_of[m] = len(body)
            body.append(row)
        for m, c, item, value, _day in cells:
            body[row_of[m]][col_of[(item, c)]] = CHOICES[value]
        return pd.DataFrame([texts, imports] + body, columns=tags)

    # --- the whole run -------------------------------------------------------------------

    def run(self) -> None:
        self.fresh_by_year = {}
        self.build_roster()
        self.initial_contacts()
        for year in YEARS:
            self.turnover(year)
        self.emails()
        self.org_members = {o: [m for m in self.members if m.org == o] for o in range(len(ORGS))}
        for year in YEARS:
            self.schedule(year)
        self.number_events()
        for m in self.members:
            m.oriented = False
        for year in YEARS:
            self.year_interactions(year)
            self.event_rows(year)
            self.problem_log(year)
        self.talked = {}
        for r in self.rows:
            if isinstance(r["target"], Member):
                self.talked.setdefault(r["source"], []).append((r["timestamp"].date(), r["target"]))
        for year in YEARS:
            self.survey(year)


def _ascii_name(name: str) -> str:
    norm = unicodedata.normalize("NFKD", name)
    return "".join(c for c in norm if not unicodedata.combining(c))


# ----------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _mid(m: Member | None) -> str:
    return "" if m is None else m.mid


def build(seed: int = SEED, *, drift: bool = True) -> tuple[dict[str, pd.DataFrame], dict]:
    """Run the generator and return the tables (all text) and the defect positions.

    ``drift=False`` builds the variant without the Mountain region's drift (its 2023 level
    in every year); the shipped sample has it."""
    g = Generator(seed, drift=drift)
    g.run()
    members = sorted(g.members, key=lambda m: m.mid)
    tables: dict[str, pd.DataFrame] = {}
    tables["members"] = pd.DataFrame(
        {
            "member_id": [m.mid for m in members],
            "name": [m.name for m in members],
            "email": [m.email for m in members],
            "org": [ORGS[m.org][0] for m in members],
            "sector": [m.sector for m in members],
            "region": [m.region for m in members],
            "language": [m.language for m in members],
            "role": [m.role for m in members],
            "joined": [m.joined.isoformat() for m in members],
            "left": ["" if m.left is None else m.left.isoformat() for m in members],
            "supervisor_id": [_mid(m.supervisor) for m in members],
            "expertise": ["; ".join(m.expertise) for m in members],
            "needs": ["; ".join(m.needs) for m in members],
        }
    )
    defects = {}
    # events, with the end-before-start defect on the 2024 Q2 Coast regional meeting
    ev_rows = []
    for ev in g.events:
        end = _fmt_ts(ev["end"])
        if ev.get("defect_end"):
            end = ev["start"].strftime("%Y-%m-%d") + " 03:00:00"
            defects["end_before_start"] = ev["event_id"]
        ev_rows.append(
            dict(
                event_id=ev["event_id"],
                start=_fmt_ts(ev["start"]),
                end=end,
                kind=ev["kind"],
                format=ev["format"],
                title=ev["title"],
                host=ev["host"].mid,
                region=ev["region"],
                language=ev["language"],
                channel=ev["channel"],
                next_date_set="true" if ev["next_date_set"] else "false",
            )
        )
    tables["events"] = pd.DataFrame(ev_rows)
    # interactions, with an unknown member and an unparseable timestamp
    caller = [m for m in members if m.region == "Coast" and m.can_tie(date(2024, 9, 12))][0]
    rows = g.rows
    rows.append(
        dict(
            timestamp=datetime(2024, 9, 12, 14, 20),
            source=caller,
            kind="call",
            target=UNKNOWN_ID,
            event_id="",
            channel="phone",
            duration_min="25",
            topic="housing",
            language="en",
            thread_id="",
            message_id="",
        )
    )
    kind_order = {
        k: i
        for i, k in enumerate(
            (
                "attend",
                "message",
                "reply",
                "mention",
                "reaction",
                "call",
                "contact",
                "help",
                "resource",
                "referral",
            )
        )
    }
    rows = [r for r in rows if r["timestamp"].date() <= END]
    rows.sort(
        key=lambda r: (
            r["timestamp"],
            kind_order[r["kind"]],
            r["source"].mid,
            r["target"] if isinstance(r["target"], str) else _mid(r["target"]),
            r["message_id"],
            r["event_id"],
        )
    )
    # message ids numbered in time order (they were drawn in generation order)
    renumber: dict[str, str] = {}
    for r in rows:
        if r["kind"] in ("message", "reply") and r["message_id"]:
            renumber[r["message_id"]] = f"msg{len(renumber) + 1:05d}"
    out = []
    for r in rows:
        r["message_id"] = renumber.get(r["message_id"], "")
        r["thread_id"] = renumber.get(r["thread_id"], "")
        out.append(
            dict(
                timestamp=_fmt_ts(r["timestamp"]),
                source=r["source"].mid,
                kind=r["kind"],
                target=r["target"] if isinstance(r["target"], str) else _mid(r["target"]),
                event_id=r["event_id"],
                channel=r["channel"],
                duration_min=r["duration_min"],
                topic=r["topic"],
                language=r["language"],
                thread_id=r["thread_id"],
                message_id=r["message_id"],
            )
        )
    cut = next(i for i, r in enumerate(out) if r["timestamp"] >= "2024-02-29 10:00:00")
    helper = [m for m in members if m.can_tie(date(2024, 2, 29)) and m.org == caller.org]
    bad = dict(
        timestamp=BAD_TIMESTAMP,
        source=helper[0].mid,
        kind="help",
        target=helper[1].mid,
        event_id="",
        channel="email",
        duration_min="",
        topic="funding",
        language="en",
        thread_id="",
        message_id="",
    )
    out.insert(cut, bad)
    tables["interactions"] = pd.DataFrame(out)
    inter = tables["interactions"]
    defects["bad_timestamp_row"] = int(cut) + 2
    defects["unknown_member_row"] = int(inter.index[inter["target"] == UNKNOWN_ID][0]) + 2
    ev_ix = tables["events"].index[tables["events"]["event_id"] == defects["end_before_start"]]
    defects["end_before_start_row"] = int(ev_ix[0]) + 2
    dup_ix = tables["members"].index[tables["members"]["email"] == g.dup[0].email]
    defects["duplicate_email_rows"] = [int(i) + 2 for i in dup_ix]
    defects["duplicate_email_ids"] = [g.dup[0].mid, g.dup[1].mid]
    defects["duplicate_email"] = g.dup[0].email
    # problems
    probs = sorted(g.problems, key=lambda p: p["raised_at"])
    tables["problems"] = pd.DataFrame(
        {
            "problem_id": [f"p{i:03d}" for i in range(1, len(probs) + 1)],
            "raised_by": [p["raised_by"].mid for p in probs],
            "raised_at": [_fmt_ts(p["raised_at"]) for p in probs],
            "topic": [p["topic"] for p in probs],
            "helpers": ["; ".join(h.mid for h in p["helpers"]) for p in probs],
            "solved_at": ["" if p["solved_at"] is None else _fmt_ts(p["solved_at"]) for p in probs],
            "status": [p["status"] for p in probs],
            "outcome": [p["outcome"] for p in probs],
        }
    )
    acts = g.actions
    tables["actions"] = pd.DataFrame(
        {
            "action_id": [f"a{i:03d}" for i in range(1, len(acts) + 1)],
            "owner": [a["owner"].mid for a in acts],
            "due": [a["due"] for a in acts],
            "event_id": [a["event_id"] for a in acts],
            "done_at": [a["done_at"] for a in acts],
        }
    )
    surveys = pd.DataFrame(g.surveys)
    item_order = {k: i for i, k in enumerate(ITEMS + ("learning",))}
    surveys["_o"] = surveys["item"].map(item_order)
    surveys = surveys.sort_values(["wave", "respondent", "about", "_o"], kind="stable")
    tables["surveys"] = surveys.drop(columns="_o").reset_index(drop=True)
    raters = {2023: g.coordinators[0].mid, 2024: g.coordinators[0].mid, 2025: g.coordinators[1].mid}
    tables["checklist"] = pd.DataFrame(
        [
            dict(
                item=item,
                period=str(y),
                value=str(vals[i]),
                note=f"{label}; {CHECKLIST_EVIDENCE[y]}",
                rater=raters[y],
            )
            for i, y in enumerate(YEARS)
            for item, label, vals in CHECKLIST
        ]
    )
    tables["outcomes"] = pd.DataFrame(
        [
            dict(
                measure=meas,
                period=str(y),
                value=vals[i],
                target=target,
                unit=unit,
                direction=direction,
                note=note,
            )
            for meas, unit, direction, target, vals, note in OUTCOMES
            for i, y in enumerate(YEARS)
        ]
    )
    for y in YEARS:
        tables[f"exports/survey_{y}_qualtrics"] = g.qualtrics[y]
    meta = {
        "name": NAME,
        "tz": TZ,
        "title": "Riverbend Statewide Family Services Peer Network",
        "description": (
            "Synthetic state peer-to-peer technical-assistance network of family-serving "
            "agencies and resident groups (health, education, social services, government, "
            "residents) in four regions, three program years 2023-2025. Made by "
            "scripts/make_samples.py; see docs/samples.md for the design, the deliberate "
            "data-quality defects and what changed from 2023 to 2025."
        ),
        "generated_by": "scripts/make_samples.py",
        "seed": seed,
        "period": {"start": START.isoformat(), "end": END.isoformat()},
    }
    if g.broker.mid != BROKER_ID:
        raise RuntimeError(f"the broker is now {g.broker.mid}; update BROKER_ID")
    return tables, {
        "meta": meta,
        "defects": defects,
        "broker": g.broker.mid,
        "coordinators": [c.mid for c in g.coordinators],
    }


def write_sample(out: str | Path = "data/samples", seed: int = SEED, *,
                 drift: bool = True) -> Path:
    """Write ``<out>/riverbend/`` and return its path (``drift``: see :func:`build`)."""
    tables, info = build(seed, drift=drift)
    folder = Path(out) / NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "peernet.json").write_text(
        json.dumps(info["meta"], indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for name, df in tables.items():
        _write_csv(df, folder / f"{name}.csv")
    return folder


# ----------------------------------------------------------------------------------------
# summary: the 2023 vs 2025 values, measured from the written CSVs
# ----------------------------------------------------------------------------------------


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _active(members: pd.DataFrame, day: str) -> pd.Series:
    left = members["left"].where(members["left"] != "", "9999-12-31")
    return (members["joined"] <= day) & (left >= day)


def summarize(folder: str | Path) -> pd.DataFrame:
    """Measure the designed 2023-2025 changes from the CSVs in *folder*.

    Returns one row a measure with columns ``measure``, ``direction`` (``higher`` or ``lower``:
    the designed direction from 2023 to 2025), ``2023``, ``2024``, ``2025`` (floats) and
    ``definition``.
    """
    folder = Path(folder)
    mem = _read(folder, "members")
    ev = _read(folder, "events")
    it = _read(folder, "interactions")
    pr = _read(folder, "problems")
    ac = _read(folder, "actions")
    sv = _read(folder, "surveys")
    org = dict(zip(mem["member_id"], mem["org"], strict=True))
    joined = dict(zip(mem["member_id"], mem["joined"], strict=True))
    region = dict(zip(mem["member_id"], mem["region"], strict=True))
    it["ts"] = pd.to_datetime(it["timestamp"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    it = it[it["ts"].notna() & it["source"].isin(org)]
    it["year"] = it["ts"].dt.year
    ties = it[(it["kind"] != "attend") & it["target"].isin(org)].copy()
    ties["a"] = ties[["source", "target"]].min(axis=1)
    ties["b"] = ties[["source", "target"]].max(axis=1)
    ties = ties[ties["a"] != ties["b"]]
    ev["year"] = ev["start"].str[:4].astype(int)
    rows: list[tuple] = []

    def add(measure, direction, values, definition):
        rows.append((measure, direction, *[float(values[y]) for y in YEARS], definition))

    # trust, learning and response rate
    sv["v"] = sv["value"].astype(int)
    trust = sv[sv["item"].isin(TRUST_ITEMS)].groupby("wave")["v"].mean()
    add(
        "survey_trust_mean",
        "higher",
        {y: trust[str(y)] for y in YEARS},
        "mean of reliability, mission and openness ratings (1-4)",
    )
    learn = sv[sv["item"] == "learning"].groupby("wave")["v"].mean()
    add(
        "survey_learning_mean",
        "higher",
        {y: learn[str(y)] for y in YEARS},
        "mean of the learning item (1-4)",
    )
    rr = {}
    for y in YEARS:
        n_active = int(_active(mem, f"{y}-10-01").sum())
        rr[y] = sv.loc[sv["wave"] == str(y), "respondent"].nunique() / n_active
    add("survey_response_rate", "higher", rr, "respondents / members active on 1 October")
    # cross-organization ties
    pairs = ties.drop_duplicates(["year", "a", "b"]).copy()
    pairs["external"] = pairs["a"].map(org) != pairs["b"].map(org)
    ext = pairs.groupby("year")["external"].agg(["sum", "count"])
    ei = {y: (2 * ext.loc[y, "sum"] - ext.loc[y, "count"]) / ext.loc[y, "count"] for y in YEARS}
    add(
        "ei_index_org",
        "higher",
        ei,
        "E-I index by org over the year's distinct member pairs with a non-attend interaction",
    )
    add(
        "share_cross_org_ties",
        "higher",
        {y: ext.loc[y, "sum"] / ext.loc[y, "count"] for y in YEARS},
        "share of the year's distinct tie pairs that cross organizations",
    )
    # problems
    pr["year"] = pr["raised_at"].str[:4].astype(int)
    solved = pr["status"] == "solved"
    add(
        "share_problems_solved",
        "higher",
        pr.assign(s=solved).groupby("year")["s"].mean(),
        "problems raised in the year with status solved",
    )
    days = (pd.to_datetime(pr["solved_at"].where(solved)) - pd.to_datetime(pr["raised_at"])).dt.days
    add(
        "median_days_to_solve",
        "lower",
        pr.assign(d=days).groupby("year")["d"].median(),
        "median whole days from raised_at to solved_at, solved problems raised in the year",
    )
    closed = pr[pr["status"] != "open"]
    add(
        "share_closed_problems_with_outcome",
        "higher",
        closed.assign(o=closed["outcome"] != "").groupby("year")["o"].mean(),
        "solved or dropped problems with a recorded outcome",
    )
    add(
        "problems_raised_per_quarter",
        "higher",
        pr.groupby("year").size() / 4,
        "problems raised in the year / 4",
    )
    # actions
    ac["year"] = ac["due"].str[:4].astype(int)
    ac = ac[ac["year"].isin(YEARS)]
    add(
        "share_actions_closed",
        "higher",
        ac.assign(c=ac["done_at"] != "").groupby("year")["c"].mean(),
        "action items due in the year with a done_at date",
    )
    on_time = (ac["done_at"] != "") & (ac["done_at"] <= ac["due"])
    add(
        "share_actions_closed_on_time",
        "higher",
        ac.assign(c=on_time).groupby("year")["c"].mean(),
        "action items due in the year closed on or before the due date",
    )
    # meetings
    mt = ev[ev["kind"] == "meeting"]
    add(
        "share_meetings_next_date_set",
        "higher",
        mt.assign(n=mt["next_date_set"] == "true").groupby("year")["n"].mean(),
        "meetings (kind meeting) where the next date was set",
    )
    nm = ev[ev["format"] == "network_meeting"].copy()
    nm["day"] = pd.to_datetime(nm["start"]).dt.normalize()
    months = nm.groupby("year")["start"].apply(lambda s: s.str[:7].nunique())
    add(
        "months_with_network_meeting",
        "higher",
        months,
        "calendar months with a statewide network meeting",
    )
    cv = {}
    for y, g in nm.groupby("year"):
        gaps = g["day"].sort_values().diff().dt.days.dropna()
        cv[y] = gaps.std(ddof=0) / gaps.mean()
    add(
        "network_meeting_gap_cv",
        "lower",
        cv,
        "coefficient of variation of days between statewide network meetings",
    )
    add(
        "share_events_in_spanish",
        "higher",
        ev.assign(es=ev["language"] == "es").groupby("year")["es"].mean(),
        "events with language es",
    )
    add(
        "resource_assessments",
        "higher",
        ev[ev["format"] == "resource_assessment"].groupby("year").size(),
        "resource assessment events in the year",
    )
    # Mountain drift
    att = it[it["kind"] == "attend"]
    mnt, mnt_share, mnt_ties = {}, {}, {}
    for y in YEARS:
        active = mem[
            (mem["joined"] <= f"{y}-12-31") & ((mem["left"] == "") | (mem["left"] >= f"{y}-01-01"))
        ]
        ids = set(active.loc[active["region"] == "Mountain", "member_id"])
        a = att[(att["year"] == y)]
        mnt[y] = a["source"].isin(ids).sum() / len(ids)
        mnt_share[y] = a["source"].isin(ids).mean()
        py = pairs[pairs["year"] == y]
        mnt_ties[y] = (
            py["a"].map(region).eq("Mountain") | py["b"].map(region).eq("Mountain")
        ).mean()
    add(
        "mountain_attendances_per_member",
        "lower",
        mnt,
        "attend rows of Mountain members / Mountain members active in the year",
    )
    add(
        "mountain_share_of_attendance",
        "lower",
        mnt_share,
        "share of the year's attend rows made by Mountain members",
    )
    add(
        "mountain_share_of_ties",
        "lower",
        mnt_ties,
        "share of the year's tie pairs with a Mountain member",
    )
    # newcomer integration
    first = {}
    tt = ties[["ts", "source", "target"]]
    both = pd.concat(
        [
            tt.rename(columns={"source": "n", "target": "o"}),
            tt.rename(columns={"target": "n", "source": "o"}),
        ]
    )
    both = both[both["o"].map(joined) < both["n"].map(joined)]
    first = both.groupby("n")["ts"].min()
    integ = {}
    for y in YEARS:
        new = mem[
            (mem["joined"] >= f"{y}-01-01")
            & (mem["joined"] <= f"{y}-10-31")
            & (mem["role"] == "member")
        ]
        t = pd.to_datetime(new["member_id"].map(first))
        within = (t - pd.to_datetime(new["joined"])).dt.days <= 60
        integ[y] = within.mean()
    add(
        "share_newcomers_tied_60d",
        "higher",
        integ,
        "newcomers (role member, joined Jan-Oct) with a tie to an earlier member within 60 days",
    )
    # resources
    res = {}
    for y in YEARS:
        n = int(
            (
                (mem["joined"] <= f"{y}-12-31")
                & ((mem["left"] == "") | (mem["left"] >= f"{y}-01-01"))
            ).sum()
        )
        res[y] = ((it["kind"] == "resource") & (it["year"] == y)).sum() / n
    add(
        "resource_exchanges_per_member",
        "higher",
        res,
        "resource rows in the year / members active at any time in the year",
    )
    out = pd.DataFrame(rows, columns=["measure", "direction", "2023", "2024", "2025", "definition"])
    return out


def defect_rows(folder: str | Path) -> dict:
    """Where the deliberate defects sit, as a spreadsheet numbers rows (header = row 1)."""
    folder = Path(folder)
    mem = _read(folder, "members")
    ev = _read(folder, "events")
    it = _read(folder, "interactions")
    dup = mem[mem["email"].duplicated(keep=False)]
    parsed = pd.to_datetime(it["timestamp"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    known = set(mem["member_id"])
    unknown = ~it["source"].isin(known) | (~it["target"].isin(known) & (it["target"] != ""))
    return {
        "duplicate_email_rows": [int(i) + 2 for i in dup.index],
        "duplicate_email_ids": dup["member_id"].tolist(),
        "duplicate_email": dup["email"].iloc[0],
        "bad_timestamp_row": int(it.index[parsed.isna()][0]) + 2,
        "unknown_member_row": int(it.index[unknown][0]) + 2,
        "end_before_start_row": int(ev.index[ev["end"] < ev["start"]][0]) + 2,
        "end_before_start_event": ev.loc[ev["end"] < ev["start"], "event_id"].iloc[0],
    }


def _design(key: str, fmt: str = "{}") -> str:
    return key + " " + " → ".join(fmt.format(YEAR[y][key]) for y in YEARS)


#: The generator parameter behind each measured change (2023 → 2024 → 2025).
DESIGN = {
    "survey_trust_mean": _design("trust_mean", "{:.2f}"),
    "survey_learning_mean": _design("learning_mean", "{:.2f}"),
    "survey_response_rate": _design("response_rate", "{:.2f}"),
    "ei_index_org": _design("cross_org") + "; " + _design("new_contacts"),
    "share_cross_org_ties": _design("cross_org") + "; " + _design("new_contacts"),
    "share_problems_solved": _design("p_solved"),
    "median_days_to_solve": _design("solve_days", "{:.0f}"),
    "share_closed_problems_with_outcome": _design("p_outcome"),
    "problems_raised_per_quarter": _design("n_problems"),
    "share_actions_closed": _design("p_done"),
    "share_actions_closed_on_time": _design("p_done") + "; " + _design("p_late"),
    "share_meetings_next_date_set": _design("p_next_date") + " (all events)",
    "months_with_network_meeting": "skipped months 3 → 1 → 0",
    "network_meeting_gap_cv": "any weekday → 2nd Tuesday +-1 week → 2nd Tuesday",
    "share_events_in_spanish": "Spanish trainings 1 → 2 → 3, regional and case-study sessions",
    "resource_assessments": "1 → 2 → 3 scheduled",
    "mountain_attendances_per_member": "attendance factor 1.0 → 0.55 → 0.22; regional 4 → 3 → 2",
    "mountain_share_of_attendance": "attendance factor 1.0 → 0.55 → 0.22; regional 4 → 3 → 2",
    "mountain_share_of_ties": _design("mountain"),
    "share_newcomers_tied_60d": _design("p_integrate"),
    "resource_exchanges_per_member": _design("resource_rate"),
}


def summary_markdown(df: pd.DataFrame) -> str:
    lines = [
        "| measure | designed direction | 2023 | 2024 | 2025 | design parameter | definition |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in df.itertuples(index=False):
        vals = [
            f"{v:.3f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v)}"
            for v in (r[2], r[3], r[4])
        ]
        lines.append(
            f"| {r.measure} | {r.direction} | {vals[0]} | {vals[1]} | {vals[2]} | "
            f"{DESIGN[r.measure]} | {r.definition} |"
        )
    return "\n".join(lines) + "\n"


def counts_markdown(folder: str | Path) -> str:
    """Rows per file, and the breakdowns docs/samples.md quotes."""
    folder = Path(folder)
    lines = ["| file | rows | by year or kind |", "|---|---|---|"]
    tables = {
        n: _read(folder, n)
        for n in (
            "members",
            "events",
            "interactions",
            "problems",
            "actions",
            "surveys",
            "checklist",
            "outcomes",
        )
    }

    def by(series: pd.Series) -> str:
        counts = series.value_counts().sort_index()
        return ", ".join(f"{k}: {v}" for k, v in counts.items())

    mem = tables["members"]
    notes = {
        "members": f"joined before 2023: {(mem['joined'] < '2023').sum()}; "
        + "joined "
        + by(mem.loc[mem["joined"] >= "2023", "joined"].str[:4])
        + "; left "
        + by(mem.loc[mem["left"] != "", "left"].str[:4]),
        "events": by(tables["events"]["format"]),
        "interactions": by(tables["interactions"]["kind"]),
        "problems": by(tables["problems"]["status"]),
        "actions": "due " + by(tables["actions"]["due"].str[:4]),
        "surveys": "wave " + by(tables["surveys"]["wave"]),
        "checklist": "period " + by(tables["checklist"]["period"]),
        "outcomes": by(tables["outcomes"]["measure"]),
    }
    for name, df in tables.items():
        lines.append(f"| {name}.csv | {len(df)} | {notes[name]} |")
    for y in YEARS:
        raw = pd.read_csv(
            folder / "exports" / f"survey_{y}_qualtrics.csv",
            dtype=str,
            keep_default_na=False,
            header=None,
        )
        lines.append(
            f"| exports/survey_{y}_qualtrics.csv | {len(raw) - 3} respondents | "
            f"{raw.shape[1]} columns, {int((raw.iloc[3:, 10:] != '').sum().sum())} "
            "ratings |"
        )
    return "\n".join(lines) + "\n"


def defects_markdown(folder: str | Path) -> str:
    d = defect_rows(folder)
    rows = [
        (
            "members.csv",
            f"rows {d['duplicate_email_rows'][0]} and {d['duplicate_email_rows'][1]}",
            "email",
            f"{d['duplicate_email_ids'][0]} and {d['duplicate_email_ids'][1]} share "
            f"`{d['duplicate_email']}`: one person entered twice (the second time without accents)",
        ),
        (
            "interactions.csv",
            f"row {d['bad_timestamp_row']}",
            "timestamp",
            f"`{BAD_TIMESTAMP}`: day-first and not a real date",
        ),
        (
            "interactions.csv",
            f"row {d['unknown_member_row']}",
            "target",
            f"`{UNKNOWN_ID}` is not in members.csv",
        ),
        (
            "events.csv",
            f"row {d['end_before_start_row']}",
            "end",
            f"event {d['end_before_start_event']} ends at 03:00, before its 15:00 start "
            "(15:00 typed as 03:00)",
        ),
    ]
    lines = ["| file | row (header = row 1) | column | defect |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {e} |" for a, b, c, e in rows]
    return "\n".join(lines) + "\n"


def broker_markdown(folder: str | Path) -> str:
    """Health-education tie pairs per year and how many of them involve the broker."""
    folder = Path(folder)
    mem = _read(folder, "members")
    it = _read(folder, "interactions")
    sector = dict(zip(mem["member_id"], mem["sector"], strict=True))
    ties = it[(it["kind"] != "attend") & it["source"].isin(sector) & it["target"].isin(sector)]
    ties = ties[ties["timestamp"].str.match(r"^\d{4}-")]
    pairs = pd.DataFrame(
        {
            "year": ties["timestamp"].str[:4],
            "a": ties[["source", "target"]].min(axis=1),
            "b": ties[["source", "target"]].max(axis=1),
        }
    ).drop_duplicates()
    both = {frozenset(("health", "education"))}
    he = pairs[
        [
            frozenset((sector[a], sector[b])) in both
            for a, b in zip(pairs["a"], pairs["b"], strict=True)
        ]
    ]
    lines = [
        f"| year | health-education tie pairs | involving the broker {BROKER_ID} |",
        "|---|---|---|",
    ]
    for y in YEARS:
        hy = he[he["year"] == str(y)]
        n_b = int(((hy["a"] == BROKER_ID) | (hy["b"] == BROKER_ID)).sum())
        lines.append(f"| {y} | {len(hy)} | {n_b} |")
    return "\n".join(lines) + "\n"


DOC_BLOCKS = {
    "broker": broker_markdown,
    "counts": counts_markdown,
    "defects": defects_markdown,
    "measured": lambda folder: summary_markdown(summarize(folder)),
}


def update_docs(folder: str | Path, doc: str | Path = "docs/samples.md") -> None:
    """Rewrite the generated blocks of *doc* (between ``<!-- NAME:start -->`` and
    ``<!-- NAME:end -->``) from the sample in *folder*."""
    doc = Path(doc)
    text = doc.read_text(encoding="utf-8")
    for name, make in DOC_BLOCKS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{make(folder)}{end}{tail}"
    doc.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/samples", help="folder that receives riverbend/")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print the measured 2023-2025 table for <out>/riverbend and exit",
    )
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help="rewrite the measured table in docs/samples.md from <out>/riverbend",
    )
    args = parser.parse_args(argv)
    if args.update_docs:
        update_docs(Path(args.out) / NAME)
        return 0
    if args.summary:
        folder = Path(args.out) / NAME
        print(summary_markdown(summarize(folder)), end="")
        print()
        for key, value in defect_rows(folder).items():
            print(f"{key}: {value}")
        return 0
    folder = write_sample(args.out)
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
