"""Resolve found candidates against the anchor (publication date) and the clause tense.

One small function per kind of expression; ``RESOLVERS`` maps a rule's ``kind`` to it.
Each returns a Resolved value, or None to drop a candidate that turned out not to be a
date (31 February, a fifth quarter).  With no anchor, relative expressions keep a TIMEX3
value with X placeholders ("XXXX-WXX-5") and no interval.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dateutil.easter import easter

from dashboard.temporal import calendar as cal
from dashboard.temporal.calendar import Resolved
from dashboard.temporal.finder import Candidate
from dashboard.temporal.grammar import Grammar
from dashboard.temporal.tense import FUTURE, PAST, PRESENT, TenseReader

# Years a two-digit decade ("the '90s") may fall in: within this many years after the anchor
# it is this century, otherwise the last.
SHORT_DECADE_AHEAD = 10
# How far ahead (days) a future clause puts a year-less date ("will meet on Feb. 24").
NEAREST_DAYS = 250
# A past clause reaches further back: "was last seen Nov. 3" in a May story is last November.
PAST_DAYS = 300
NEAREST_MONTHS = 11


@dataclass(slots=True)
class Context:
    """What resolution needs beyond the candidate: the text, anchor and grammar."""

    text: str
    anchor: date | None
    grammar: Grammar
    # The last day the text mentioned: "the next day", "two weeks later" count from it.
    reference: date | None = None
    # The start of the last dated interval of any size: "that year" counts from it.
    reference_any: date | None = None
    # The last quarter the text named and where it ended: "a year earlier" shifts it.
    last_quarter: tuple[Resolved, int] | None = None
    _tenses: dict[int, str | None] = field(default_factory=dict)
    _reader: TenseReader | None = None

    def tense(self, c: Candidate) -> str | None:
        if c.start not in self._tenses:
            if self._reader is None:
                self._reader = TenseReader(self.text, self.grammar)
            self._tenses[c.start] = self._reader.tense(c.start, c.end)
        return self._tenses[c.start]

    def forward(self, c: Candidate) -> bool | None:
        """True for a future or present clause, False for a past one, None when unknown."""
        tense = self.tense(c)
        return None if tense is None else tense in (FUTURE, PRESENT)

    def word(self, table: str, c: Candidate, group: str) -> object:
        text = c.fields.get(group)
        return None if text is None else self.grammar.lookup(table, text)


def _fold(text: str | None) -> str:
    return " ".join(text.lower().replace("-", " ").split()) if text else ""


def direction(rel: str | None, grammar: Grammar) -> int | None:
    """-1, 0 or +1 for "last", "this", "next" (and their synonyms); None when absent."""
    rel = _fold(rel)
    if not rel:
        return None
    if rel.startswith("this ") and rel != "this":  # "this past", "this coming"
        rel = rel.split()[-1]
    value = grammar.lexicon["relative"].get(rel)
    return int(value) if value is not None else None


def modifier(text: str | None, grammar: Grammar) -> str | None:
    """TIMEX3 mod of a position word: "early" START, "mid" MID, "the end of" END."""
    words = _fold(text).split()
    words = [w for w in words if w not in ("the", "of")]
    if not words:
        return None
    return grammar.lexicon["modifiers"].get(" ".join(words)) or grammar.lexicon["modifiers"].get(
        words[0]
    )


def number(text: str | None, grammar: Grammar) -> int | str | None:
    """Integer value of "three", "24", "twenty-four"; "X" for "several"; None otherwise."""
    folded = _fold(text)
    if not folded:
        return None
    if folded.replace(".", "", 1).isdigit():
        value = float(folded)
        return int(value) if value == int(value) else None
    found = grammar.lexicon["numbers"].get(folded)
    if found is not None:
        return found
    parts = folded.split()
    if len(parts) == 2 and all(p in grammar.lexicon["numbers"] for p in parts):
        tens, units = (grammar.lexicon["numbers"][p] for p in parts)
        if isinstance(tens, int) and isinstance(units, int):
            return tens + units
    return None


# ----- picking a year for a month, a date or a season -----------------------------------


def year_for_month(anchor: date, month: int, forward: bool | None) -> int:
    """Year of a month named without one: the nearest, or the tense's side within half a year."""
    behind = anchor.year if month <= anchor.month else anchor.year - 1
    ahead = anchor.year if month >= anchor.month else anchor.year + 1
    if forward is True and (ahead - anchor.year) * 12 + month - anchor.month <= NEAREST_MONTHS:
        return ahead
    if forward is False and (anchor.year - behind) * 12 + anchor.month - month <= NEAREST_MONTHS:
        return behind
    gap = month - anchor.month
    if gap > 6:
        return anchor.year - 1
    if gap < -6:
        return anchor.year + 1
    return anchor.year


def year_for_day(
    anchor: date, month: int, day: int, forward: bool | None, weekday: int | None = None
) -> date | None:
    """The date of a day and month named without a year (a weekday named with it decides).

    The tense picks the side of the anchor within half a year; beyond that the nearest
    date wins ("Jan. 14" in a January 6 story is next week even in a past clause).
    """
    options = [cal.safe_date(anchor.year + k, month, day) for k in (-1, 0, 1)]
    dates = [d for d in options if d is not None]
    if weekday is not None and any(d.isoweekday() == weekday for d in dates):
        dates = [d for d in dates if d.isoweekday() == weekday]
    if not dates:
        return None
    if forward is True:
        ahead = [d for d in dates if anchor <= d <= anchor + timedelta(days=NEAREST_DAYS)]
        if ahead:
            return ahead[0]
    if forward is False:
        behind = [d for d in dates if anchor - timedelta(days=PAST_DAYS) <= d <= anchor]
        if behind:
            return behind[-1]
    return min(dates, key=lambda d: abs((d - anchor).days))


def weekday_date(anchor: date, weekday: int, rel: int | None, forward: bool | None) -> date:
    """The date of a weekday: "last"/"next" or the clause tense decide the direction."""
    ahead = (weekday - anchor.isoweekday()) % 7
    behind = (anchor.isoweekday() - weekday) % 7
    if rel == -1:
        return anchor - timedelta(days=behind or 7)
    if rel == 1:
        return anchor + timedelta(days=ahead or 7)
    if forward is True:
        return anchor + timedelta(days=ahead)
    if forward is False or rel is None:
        # news style: a weekday equal to the anchor's is the anchor day itself
        return anchor - timedelta(days=behind)
    # "this Monday" with no tense: the one in the anchor's week
    return anchor + timedelta(days=weekday - anchor.isoweekday())


def pick_season(anchor: date, code: str, rel: int | None, forward: bool | None) -> int:
    """The year of a season named without one."""
    cur_year, cur_code = cal.season_of(anchor)
    current = cur_year * 4 + cal.SEASONS.index(cur_code)
    k = cal.SEASONS.index(code)
    candidates = [y * 4 + k for y in range(cur_year - 2, cur_year + 3)]
    if rel == -1:
        index = max(i for i in candidates if i < current)
    elif rel == 1:
        index = min(i for i in candidates if i > current)
    elif forward is True:
        index = min(i for i in candidates if i >= current)
    elif forward is False:
        index = max(i for i in candidates if i <= current)
    else:
        index = min(candidates, key=lambda i: (abs(i - current), -i))
    return index // 4


POSSESSIVE = re.compile(r"['’]s\b")
# How far back (characters) a future cue makes "Friday's vote" an upcoming one.
POSSESSIVE_REACH = 30


WORD_BEFORE = re.compile(r"\b([a-z]+)\s+\Z", re.IGNORECASE)


def _future_just_before(c: Candidate, ctx: Context) -> bool:
    """ "ahead of Friday's vote" is ahead; "Friday's vote" alone reports a past one, and
    "before Sunday's game" is the coming one in a future clause."""
    lo = max(0, c.start - POSSESSIVE_REACH)
    if any(cue.search(ctx.text, lo, c.start) for cue in ctx.grammar.future):
        return True
    word = WORD_BEFORE.search(ctx.text, lo, c.start)
    ahead_after = ctx.grammar.lexicon["possessive_weekday"]["ahead_after"]
    # future, not present: "Nestle's share before Friday's purchases is 7%" looks back
    return bool(word and word.group(1).lower() in ahead_after and ctx.tense(c) == FUTURE)


# How far (characters) before a period its figures' noun and link may start ("statistics
# for the"), and how far after it the noun may end ("'s consumer price index").
REPORT_BEFORE_REACH = 30
REPORT_AFTER_REACH = 30
LINKED_NOUN = re.compile(r"\b([a-z]+)\s+([a-z]+)\s+(?:the\s+)?\Z", re.IGNORECASE)
LAST_WORD = re.compile(r"\b([a-z]+)\s+\Z", re.IGNORECASE)
NEXT_WORDS = re.compile(r"(?:['’]s)?[\s-]+([a-z]+)(?:\s+([a-z]+))?", re.IGNORECASE)


def reports_period(c: Candidate, ctx: Context) -> bool:
    """The candidate names the period some figures cover (see figures_period)."""
    return figures_period(ctx.text, c.start, c.end, ctx.grammar)


def figures_period(text: str, start: int, end: int, grammar: Grammar) -> bool:
    """The period at text[start:end] names what some figures cover ("the data for May",
    "third-quarter results", "the June jobs report"), not when the clause's event happens."""
    table = grammar.lexicon.get("reported_periods")
    if not table:
        return False
    nouns, links = table["nouns"], table["links"]
    linked = LINKED_NOUN.search(text, max(0, start - REPORT_BEFORE_REACH), start)
    if linked and linked.group(1).lower() in nouns and linked.group(2).lower() in links:
        return True
    before = LAST_WORD.search(text, max(0, start - REPORT_BEFORE_REACH), start)
    if before and before.group(1).lower() in table["adverbial"]:
        return False  # "in March sales will rise": a forecast for March
    after = NEXT_WORDS.match(text[end : end + REPORT_AFTER_REACH])
    return after is not None and any(w and w.lower() in nouns for w in after.groups())


# ----- resolvers, one per kind ----------------------------------------------------------


def _year_of_rel(c: Candidate, ctx: Context) -> Candidate:
    """ "March next year", "Nov. 4 last year": the year the words give, as if written."""
    if "yrel" not in c.fields or "year" in c.fields or ctx.anchor is None:
        return c
    steps = direction(c.fields["yrel"], ctx.grammar) or 0
    return replace(c, fields={**c.fields, "year": str(ctx.anchor.year + steps)})


def resolve_date(c: Candidate, ctx: Context) -> Resolved | None:
    """ "14 July 2019", "Jul. 14", "2019-07-14" (a weekday alongside is ignored)."""
    c = _year_of_rel(c, ctx)
    month = int(ctx.word("months", c, "month") or c.fields["month"])
    day = int("".join(ch for ch in c.fields["day"] if ch.isdigit()))
    if "year" in c.fields:
        d = cal.safe_date(int(c.fields["year"]), month, day)
        return cal.day(d) if d else None
    if not 1 <= day <= cal.last_day(2000, month):
        return None
    if ctx.anchor is None:
        return cal.unresolved("DATE", f"XXXX-{month:02d}-{day:02d}", "day")
    weekday = ctx.word("weekdays", c, "weekday")
    d = year_for_day(ctx.anchor, month, day, ctx.forward(c), weekday)  # type: ignore[arg-type]
    return cal.day(d) if d else None


def resolve_week_of_date(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the week of March 23": the ISO week holding the day."""
    d = resolve_date(c, ctx)
    if d is None or d.earliest is None:
        return None if d is None else cal.unresolved("DATE", "XXXX-WXX", "week")
    return cal.week(d.earliest)


def resolve_day_of_month(c: Candidate, ctx: Context) -> Resolved | None:
    """ "on the 25th": in the anchor's month, or the month before or after it by the tense."""
    day = int("".join(ch for ch in c.fields["day"] if ch.isdigit()))
    if ctx.anchor is None:
        return cal.unresolved("DATE", f"XXXX-XX-{day:02d}", "day")
    a = ctx.anchor
    months = [cal.add_months(a.year, a.month, k) for k in (-1, 0, 1)]
    days = [d for y, m in months if (d := cal.safe_date(y, m, day))]
    forward = ctx.forward(c)
    if forward is not None:
        side = [d for d in days if (d >= a if forward else d <= a)]
        days = side[:1] if forward else side[-1:]
    return cal.day(min(days, key=lambda d: abs((d - a).days))) if days else None


def resolve_nth_weekday(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the first Monday in January", "the last Thursday of November 2024"."""
    month = int(ctx.word("months", c, "month"))  # type: ignore[arg-type]
    weekday = int(ctx.word("weekdays", c, "weekday"))  # type: ignore[arg-type]
    nth_word = _fold(c.fields["nth"])
    last = nth_word in ("last", "final")
    nth = -1 if last else int(ctx.grammar.lookup("ordinals", nth_word) or nth_word[0])
    where = _month(c, ctx, month, None)
    if where.earliest is None:
        return cal.unresolved("DATE", "XXXX-XX-XX", "day")
    return cal.day(cal.nth_weekday(where.earliest.year, month, weekday, nth))


def resolve_month(c: Candidate, ctx: Context) -> Resolved | None:
    """ "February 2022", "last October", "in March", "early next June"."""
    month = int(ctx.word("months", c, "month"))  # type: ignore[arg-type]
    mod = modifier(c.fields.get("mod"), ctx.grammar)
    week = ctx.grammar.lexicon["week_of_month"].get(_fold(c.fields.get("nth")))
    if week is not None:  # "the first week of August": seven days, the month's value
        return cal.week_of(_month(c, ctx, month, None), int(week["week"]), week.get("mod"))
    return _month(c, ctx, month, mod)


def _month(c: Candidate, ctx: Context, month: int, mod: str | None) -> Resolved:
    """The month of the year its fields, the anchor or the clause tense give, narrowed."""
    c = _year_of_rel(c, ctx)
    if "year" in c.fields:
        return cal.narrow(cal.month(int(c.fields["year"]), month), mod)
    if ctx.anchor is None:
        return cal.unresolved("DATE", f"XXXX-{month:02d}", "month", mod)
    rel = direction(c.fields.get("rel"), ctx.grammar)
    a = ctx.anchor
    if rel == -1:
        y = a.year if month < a.month else a.year - 1
    elif rel == 1:
        y = a.year if month > a.month else a.year + 1
    elif rel == 0:
        y = a.year
    else:
        # the figures of a month are the latest May's, whatever the publishing's tense
        forward = False if reports_period(c, ctx) else ctx.forward(c)
        y = year_for_month(a, month, forward)
    return cal.narrow(cal.month(y, month), mod)


def resolve_year(c: Candidate, ctx: Context) -> Resolved | None:
    """ "in 2008", "fiscal 1998", "early 2024"."""
    return cal.narrow(cal.year(int(c.fields["year"])), modifier(c.fields.get("mod"), ctx.grammar))


def _with_part_of_day(r: Resolved, pod: object) -> Resolved:
    """ "Friday night" is a TIME in TIMEX3 ("2025-03-07TNI"); its interval stays the day."""
    if not pod or r.granularity != "day" or "T" in r.value:
        return r
    return replace(r, type="TIME", value=f"{r.value}T{pod}")


def resolve_spelled_year(c: Candidate, ctx: Context) -> Resolved | None:
    """ "nineteen ninety-six" 1996, "the year two thousand" 2000 (broadcast transcripts)."""
    if "century" not in c.fields:
        return cal.year(2000 + int(number(c.fields.get("after"), ctx.grammar) or 0))
    year = int(ctx.grammar.lexicon["spelled_years"][_fold(c.fields["century"])])
    for group in ("tens", "units", "teen"):
        year += int(number(c.fields.get(group), ctx.grammar) or 0)
    return cal.year(year)


def holiday_date(rule: str, year: int) -> date | None:
    """The day a holiday rule ("12-25", "11/4#4", "11/1#1+1", "easter-2") gives in a year."""
    if rule.startswith("easter"):
        return easter(year) + timedelta(days=int(rule[6:]))
    if "/" not in rule:
        return cal.safe_date(year, int(rule[:2]), int(rule[3:5]))
    month, rest = rule.split("/")
    weekday, _, nth_shift = rest.partition("#")
    nth, _, shift = nth_shift.partition("+")
    return cal.nth_weekday(year, int(month), int(weekday), int(nth)) + timedelta(
        days=int(shift or 0)
    )


def resolve_holiday(c: Candidate, ctx: Context) -> Resolved | None:
    """ "Thanksgiving", "last Christmas", "Easter 2024": in the year the tense points to."""
    rule = str(ctx.word("holidays", c, "holiday"))
    if "year" in c.fields:
        d = holiday_date(rule, int(c.fields["year"]))
        return cal.day(d) if d else None
    if ctx.anchor is None:
        return cal.unresolved("DATE", "XXXX-XX-XX", "day")
    a = ctx.anchor
    days = [d for y in (a.year - 1, a.year, a.year + 1) if (d := holiday_date(rule, y))]
    rel = direction(c.fields.get("rel"), ctx.grammar)
    forward = ctx.forward(c) if rel is None else None
    if rel == -1 or forward is False:
        chosen = max(d for d in days if d <= a)
    elif rel == 1 or forward is True:
        chosen = min(d for d in days if d >= a)
    elif rel == 0:
        chosen = next(d for d in days if d.year == a.year)
    else:
        chosen = min(days, key=lambda d: abs((d - a).days))
    return cal.day(chosen)


def resolve_weekday(c: Candidate, ctx: Context) -> Resolved | None:
    """ "Friday", "last Friday", "Sunday night" by the tense of the clause."""
    weekday = int(ctx.word("weekdays", c, "weekday"))  # type: ignore[arg-type]
    pod = ctx.word("parts_of_day", c, "pod")
    if ctx.anchor is None:
        r = cal.unresolved("DATE", f"XXXX-WXX-{weekday}", "day")
        return _with_part_of_day(r, pod)
    rel = direction(c.fields.get("rel"), ctx.grammar)
    forward = ctx.forward(c) if rel is None or rel == 0 else None
    if rel is None and POSSESSIVE.match(ctx.text, c.end):
        forward = _future_just_before(c, ctx)
    d = weekday_date(ctx.anchor, weekday, rel, forward)
    return _with_part_of_day(cal.day(d), pod)


def resolve_deictic(c: Candidate, ctx: Context) -> Resolved | None:
    """ "today", "yesterday", "tomorrow morning", "tonight", "the day before yesterday"."""
    word = _fold(c.fields["deictic"])
    offset = int(ctx.grammar.lexicon["deictic_days"][word])
    if c.fields.get("dayword"):
        offset += -1 if "before" in c.fields["dayword"] else 1
    pod = ctx.word("parts_of_day", c, "pod") or ("NI" if word == "tonight" else None)
    if ctx.anchor is None:
        return _with_part_of_day(cal.unresolved("DATE", "XXXX-XX-XX", "day"), pod)
    return _with_part_of_day(cal.day(ctx.anchor + timedelta(days=offset)), pod)


def resolve_part_of_day(c: Candidate, ctx: Context) -> Resolved | None:
    """ "this morning", "last night", "yesterday afternoon"."""
    pod = ctx.word("parts_of_day", c, "pod")
    rel = _fold(c.fields["rel"])
    offset = -1 if rel in ("last", "yesterday") else 1 if rel == "tomorrow" else 0
    if ctx.anchor is None:
        return _with_part_of_day(cal.unresolved("DATE", "XXXX-XX-XX", "day"), pod)
    return _with_part_of_day(cal.day(ctx.anchor + timedelta(days=offset)), pod)


def _shift(r_unit: str, base: date, steps: int) -> Resolved | None:
    """The unit (day, week, month, year...) `steps` units from the one holding base."""
    if r_unit in ("day", "morning", "afternoon", "evening", "night"):
        r = cal.day(base + timedelta(days=steps))
        pod = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}.get(r_unit)
        return _with_part_of_day(r, pod)
    if r_unit == "week":
        return cal.week(base + timedelta(weeks=steps))
    if r_unit == "weekend":
        return cal.weekend(base + timedelta(weeks=steps))
    if r_unit == "fortnight":
        return cal.week(base + timedelta(weeks=2 * steps))
    if r_unit == "month":
        return cal.month(*cal.add_months(base.year, base.month, steps))
    if r_unit == "quarter":
        index = base.year * 4 + (base.month - 1) // 3 + steps
        return cal.quarter(index // 4, index % 4 + 1)
    if r_unit == "year":
        return cal.year(base.year + steps) if 1 <= base.year + steps <= 9999 else None
    if r_unit == "decade":
        return cal.decade((base.year // 10 + steps) * 10)
    if r_unit == "century":
        return cal.century((base.year // 100 + steps) * 100)
    return None


UNRESOLVED_UNIT = {
    "day": ("XXXX-XX-XX", "day"),
    "week": ("XXXX-WXX", "week"),
    "weekend": ("XXXX-WXX-WE", "weekend"),
    "fortnight": ("XXXX-WXX", "week"),
    "month": ("XXXX-XX", "month"),
    "quarter": ("XXXX-QX", "quarter"),
    "year": ("XXXX", "year"),
    "decade": ("XXX", "decade"),
    "century": ("XX", "century"),
}


def _unresolved_unit(unit: str, mod: str | None = None) -> Resolved:
    value, granularity = UNRESOLVED_UNIT.get(unit, ("XXXX-XX-XX", "day"))
    return cal.unresolved("DATE", value, granularity, mod)


def resolve_reference_day(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the previous day", "the next day", "the day before", "that day": from the last date."""
    unit = _fold(c.fields["unit"])
    rel = _fold(c.fields.get("rel"))
    steps = {"previous": -1, "preceding": -1, "following": 1, "next": 1}.get(rel, 0)
    if c.fields.get("dir"):
        steps = -1 if _fold(c.fields["dir"]) in ("before", "earlier") else 1
    if unit in ("day", "morning", "afternoon", "evening", "night"):
        base = ctx.reference or ctx.anchor
    else:
        base = ctx.reference_any or ctx.anchor
    if base is None:
        return _unresolved_unit(unit)
    return _shift(unit, base, steps)


def _relative_span(r: Resolved, mod_word: str, anchor: date, grammar: Grammar) -> Resolved | None:
    """ "earlier this month" ends the day before the anchor; "later this week" starts after it."""
    mod = modifier(mod_word, grammar)
    folded = _fold(mod_word)
    if folded == "earlier":
        return cal.clip(r, latest=anchor - timedelta(days=1))
    if folded == "later":
        return cal.clip(r, earliest=anchor + timedelta(days=1))
    if folded.endswith(("rest of", "remainder of")):
        return cal.clip(r, earliest=anchor)
    return cal.narrow(r, mod)


def resolve_before_last(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the week before last", "the year before last": two units before the anchor's."""
    unit = _fold(c.fields["unit"])
    if ctx.anchor is None:
        return _unresolved_unit(unit)
    return _shift(unit, ctx.anchor, -2)


def resolve_relative_unit(c: Candidate, ctx: Context) -> Resolved | None:
    """ "last week", "this month", "next year", "earlier this month", "the end of the year"."""
    unit = _fold(c.fields["unit"])
    rel_text = _fold(c.fields.get("rel"))
    steps = direction(rel_text, ctx.grammar)
    steps = 0 if steps is None else steps
    mod_word = c.fields.get("mod", "")
    if rel_text == "past" and unit in YEARS_PER_WORD and not mod_word:
        # "over the past century": the hundred years up to now (TIMEX3 P100Y), not the
        # 1800s; "the past year" stays the year before.
        return cal.unresolved("DURATION", f"P{YEARS_PER_WORD[unit]}Y", "vague")
    if ctx.anchor is None:
        return _unresolved_unit(unit, modifier(mod_word, ctx.grammar))
    if unit == "weekend":
        r = upcoming_weekend(ctx.anchor, steps, rel_text)
    else:
        r = _shift(unit, ctx.anchor, steps)
    if r is None:
        return None
    if mod_word:
        return _relative_span(r, mod_word, ctx.anchor, ctx.grammar)
    return r


def resolve_year_end(c: Candidate, ctx: Context) -> Resolved | None:
    """ "year-end": 31 December of the anchor's year, of the year before in a past clause."""
    if ctx.anchor is None:
        return cal.unresolved("DATE", "XXXX-12-31", "day")
    year = ctx.anchor.year - (1 if ctx.forward(c) is False else 0)
    return cal.day(date(year, 12, 31))


def upcoming_weekend(anchor: date, steps: int, rel: str) -> Resolved:
    """ "this/coming weekend" is the next Saturday-Sunday; "last weekend" the one before."""
    if steps == 0 or rel.endswith("coming"):
        return cal.weekend(anchor)
    if steps < 0:
        # on a Sunday "last weekend" is the one before this one
        return cal.weekend(anchor - timedelta(weeks=1))
    return cal.weekend(anchor + timedelta(weeks=1))


def resolve_weekend(c: Candidate, ctx: Context) -> Resolved | None:
    """ "over the weekend": the last one in a past clause, the coming one in a future clause."""
    if ctx.anchor is None:
        return _unresolved_unit("weekend")
    a = ctx.anchor
    if ctx.forward(c) is True or a.isoweekday() == 7:
        return cal.weekend(a)
    if a.isoweekday() == 6:
        return cal.weekend(a) if ctx.forward(c) is not False else cal.weekend(a - timedelta(7))
    return cal.weekend(a - timedelta(weeks=1))


def _unit_steps(unit: str, n: int) -> tuple[str, int]:
    """A duration unit as a calendar unit and a count: "48 hours" -> ("day", 2)."""
    letter = {"D": "day", "W": "week", "2W": "fortnight", "M": "month", "Q": "quarter"}.get(unit)
    if letter:
        return letter, n
    if unit == "Y":
        return "year", n
    if unit == "DE":
        return "decade", n
    if unit == "CE":
        return "century", n
    if unit == "TH":
        return "day", n // 24
    return "day", 0


def resolve_offset(c: Candidate, ctx: Context) -> Resolved | None:
    """ "three days ago", "a year earlier", "two weeks later" (from the last date mentioned)."""
    n = number(c.fields["num"], ctx.grammar)
    unit_code = str(ctx.grammar.lookup("units", c.fields["unit"]))
    direction_word = _fold(c.fields["dir"])
    sign = -1 if direction_word in ("ago", "earlier") else 1
    mod = "APPROX" if c.fields.get("approx") else None
    if not isinstance(n, int):
        ref = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return cal.unresolved("DATE", ref, "vague", mod)
    unit, steps = _unit_steps(unit_code, n)
    if unit in ("decade", "century"):
        # "a decade ago" is the year ten years back (TIMEX3 1989), not the decade holding it.
        unit, steps = "year", steps * YEARS_PER_WORD[unit]
    recent = _recent_quarter(c, ctx)
    if unit == "year" and sign < 0 and recent is not None:
        return _quarter_years_back(recent, steps)
    if direction_word in ("ago", "from now", "hence"):
        base = ctx.anchor
    elif unit in ("day", "week"):
        base = ctx.reference  # "two days later": from the last day the text gave
    else:
        base = ctx.reference_any  # "four years later", after "in 2021": from that year
    base = base or ctx.anchor
    if base is None:
        return _unresolved_unit(unit, mod)
    if unit == "day":
        r = cal.day(base + timedelta(days=sign * steps))
    else:
        r = _shift(unit, base, sign * steps)
    return replace(r, mod=mod) if r and mod else r


# Duration units TIMEX3 writes in years: "two decades" P20Y, "a century" P100Y.
YEARS_PER_UNIT = {"DE": 10, "CE": 100}
YEARS_PER_WORD = {"decade": 10, "century": 100}


def duration_value(n: int | str, unit_code: str) -> str:
    """TIMEX3 duration: P3Y, P10D, PT48H, PXY, P20Y for two decades."""
    if unit_code in YEARS_PER_UNIT and isinstance(n, int):
        return f"P{n * YEARS_PER_UNIT[unit_code]}Y"
    if unit_code == "2W":
        return f"P{n * 2 if isinstance(n, int) else n}W"
    if unit_code.startswith("T"):
        return f"PT{n}{unit_code[1:]}"
    return f"P{n}{unit_code}"


def resolve_in_units(c: Candidate, ctx: Context) -> Resolved | None:
    """ "in three days" is a date ahead in a future clause, a duration otherwise; "within a
    year" is a duration (a deadline, not the calendar year after the anchor)."""
    n = number(c.fields["num"], ctx.grammar)
    unit_code = str(ctx.grammar.lookup("units", c.fields["unit"]))
    if (
        c.fields.get("within")
        or ctx.tense(c) == PAST
        or not isinstance(n, int)
        or unit_code.startswith("T")
    ):
        return cal.unresolved("DURATION", duration_value(n or "X", unit_code), "vague")
    unit, steps = _unit_steps(unit_code, n)
    if ctx.anchor is None:
        return _unresolved_unit(unit)
    if unit == "day":
        return cal.day(ctx.anchor + timedelta(days=steps))
    return _shift(unit, ctx.anchor, steps)


APPROX_MODS = {
    "about": "APPROX",
    "around": "APPROX",
    "nearly": "APPROX",
    "almost": "APPROX",
    "roughly": "APPROX",
    "some": "APPROX",
    "more than": "MORE_THAN",
    "over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE",
    "less than": "LESS_THAN",
    "up to": "EQUAL_OR_LESS",
}


def resolve_duration(c: Candidate, ctx: Context) -> Resolved | None:
    """ "three-year" P3Y, "10 days" P10D, "the past three months" P3M, "for years" PXY."""
    n = number(c.fields.get("num"), ctx.grammar) if c.fields.get("num") else None
    unit_code = str(ctx.grammar.lookup("units", c.fields["unit"]))
    edge = _fold(c.fields.get("edge"))
    if n is None and edge and c.fields["unit"].lower().endswith("s"):
        # "the coming days", "the past weeks": a vague stretch, not a duration
        ahead = edge in ("next", "coming", "following")
        return resolve_vague_value("FUTURE_REF" if ahead else "PAST_REF", ctx.anchor)
    if n is None:
        n = 1 if edge else "X"
    mod = APPROX_MODS.get(_fold(c.fields.get("approx")))
    return cal.unresolved("DURATION", duration_value(n, unit_code), "vague", mod)


def resolve_quarter(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the third quarter", "the first half of 2024", "Q3 2024", "last quarter"."""
    part = _fold(c.fields["part"])
    is_half = part in ("half", "h")
    ordinal = _fold(c.fields.get("ord"))
    if ordinal:
        found = ctx.grammar.lookup("ordinals", ordinal)
        n = int(found) if found is not None else int("".join(ch for ch in ordinal if ch.isdigit()))
        if ordinal in ("final", "last"):
            n = 2 if is_half else 4
    else:
        n = 0
    if is_half and not 1 <= n <= 2 or not is_half and not 0 <= n <= 4:
        return None
    make = cal.half if is_half else cal.quarter
    letter = "H" if is_half else "Q"
    if "year" in c.fields:
        return make(int(c.fields["year"]), n)
    if ctx.anchor is None:
        return cal.unresolved("DATE", f"XXXX-{letter}{n or 'X'}", "half" if is_half else "quarter")
    a = ctx.anchor
    if c.fields.get("yrel"):
        steps = direction(c.fields["yrel"].split()[-1], ctx.grammar) or 0
        if "previous" in c.fields["yrel"]:
            steps = -1
        return make(a.year + steps, n)
    per_year = 2 if is_half else 4
    current = (a.month - 1) // (12 // per_year) + 1
    rel = _fold(c.fields.get("rel"))
    if n == 0:  # "last quarter", "the latest quarter", "this quarter"
        steps = {"last": -1, "latest": -1, "previous": -1, "past": -1, "next": 1}.get(rel, 0)
        index = a.year * per_year + current - 1 + steps
        return make(index // per_year, index % per_year + 1)
    # a numbered quarter is this year's unless it has not begun and the clause is past
    if rel in ("next", "coming"):
        forward: bool | None = True
    else:  # "results for the fourth quarter" due next month: the last fourth quarter
        forward = False if reports_period(c, ctx) else ctx.forward(c)
    y = a.year - 1 if n > current and not forward else a.year
    return make(y, n)


# How far back (characters) a named quarter makes "a year earlier" that quarter's year-ago
# twin: an earnings story names its quarter once near the top and compares all along.
QUARTER_REACH = 3000


def _recent_quarter(c: Candidate, ctx: Context) -> Resolved | None:
    if ctx.last_quarter is None or c.start - ctx.last_quarter[1] > QUARTER_REACH:
        return None
    return ctx.last_quarter[0]


def _quarter_years_back(q: Resolved, years: int) -> Resolved:
    """The same quarter (or half) `years` earlier: "profit rose from a year earlier"."""
    y, code = q.value.split("-")
    make = cal.half if code.startswith("H") else cal.quarter
    return make(int(y) - years, int(code[1:]))


def resolve_quarter_ref(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the quarter": the quarter just named, else the last one completed before the anchor."""
    if ctx.last_quarter is not None:
        return ctx.last_quarter[0]
    if ctx.anchor is None:
        return cal.unresolved("DATE", "XXXX-QX", "quarter")
    index = ctx.anchor.year * 4 + (ctx.anchor.month - 1) // 3 - 1
    return cal.quarter(index // 4, index % 4 + 1)


def resolve_year_ago(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the year-earlier quarter" is a year before the quarter in question; "year-ago results"
    the year before the anchor's."""
    recent = _recent_quarter(c, ctx) if c.fields.get("noun") in ("quarter", "period") else None
    if recent is not None:
        return _quarter_years_back(recent, 1)
    if ctx.anchor is None:
        return cal.unresolved("DATE", "XXXX", "year")
    return cal.year(ctx.anchor.year - 1)


def resolve_quarter_of_year(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the 1988 second quarter", "last year's quarter", "the 1989 period", "the
    corresponding period last year": a quarter of a given year; without a number, the
    quarter the story is about (else the whole year)."""
    part = _fold(c.fields["part"])
    ordinal = _fold(c.fields.get("ord"))
    if "year" in c.fields:
        year = int(c.fields["year"])
    elif ctx.anchor is None:
        return cal.unresolved("DATE", "XXXX-QX", "quarter")
    else:
        shift = -1 if c.fields.get("ago") else direction(c.fields.get("yrel"), ctx.grammar) or 0
        year = ctx.anchor.year + shift
    if not 1 <= year <= 9999:
        return None
    make = cal.half if part == "half" else cal.quarter
    if ordinal:
        n = int(ctx.grammar.lookup("ordinals", ordinal) or ordinal[0])
        return make(year, n) if n <= (2 if part == "half" else 4) else None
    recent = _recent_quarter(c, ctx)
    if recent is not None:
        return replace(_quarter_years_back(recent, int(recent.value[:4]) - year))
    if ctx.anchor is not None and part == "quarter":
        index = ctx.anchor.year * 4 + (ctx.anchor.month - 1) // 3 - 1
        return cal.quarter(year, index % 4 + 1)
    return cal.year(year)


def resolve_season(c: Candidate, ctx: Context) -> Resolved | None:
    """ "next spring", "the summer of 2023", "in the autumn"."""
    code = str(ctx.word("seasons", c, "season"))
    mod = modifier(c.fields.get("mod"), ctx.grammar)
    if "year" in c.fields:
        return cal.narrow(cal.season(int(c.fields["year"]), code), mod)
    if ctx.anchor is None:
        return cal.unresolved("DATE", f"XXXX-{code}", "season", mod)
    rel = direction(c.fields.get("rel"), ctx.grammar)
    forward = ctx.forward(c) if rel is None else None
    return cal.narrow(cal.season(pick_season(ctx.anchor, code, rel, forward), code), mod)


def resolve_decade(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the 1990s", "the '90s", "the nineties", "the late 1980s"."""
    mod = modifier(c.fields.get("mod"), ctx.grammar)
    if "decade" in c.fields:
        first = int(c.fields["decade"])
    else:
        tens = int(c.fields["short"]) if "short" in c.fields else 0
        if "word" in c.fields:
            tens = int(ctx.grammar.lookup("decade_words", c.fields["word"])) * 10
        now = ctx.anchor.year if ctx.anchor else 2000
        century = now // 100 * 100
        first = (
            century + tens if century + tens <= now + SHORT_DECADE_AHEAD else century - 100 + tens
        )
    return cal.narrow(cal.decade(first), mod)


def resolve_century(c: Candidate, ctx: Context) -> Resolved | None:
    """ "the 20th century", "the twentieth century"."""
    ordinal = _fold(c.fields["ord"])
    found = ctx.grammar.lookup("ordinals", ordinal)
    n = int(found) if found is not None else int("".join(ch for ch in ordinal if ch.isdigit()))
    if not 1 <= n <= 99:
        return None
    return cal.narrow(cal.century((n - 1) * 100), modifier(c.fields.get("mod"), ctx.grammar))


def resolve_time(c: Candidate, ctx: Context) -> Resolved | None:
    """ "3 p.m. on Friday", "10:30 a.m. EST", "noon", "at 15:00"."""
    named = _fold(c.fields.get("named"))
    if named:
        hour, minute = (0, 0) if named == "midnight" else (12, 0)
    else:
        hour = int(c.fields["hour"])
        minute = int(c.fields.get("minute") or 0)
        ampm = _fold(c.fields.get("ampm")).replace(".", "")
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
    clock = f"T{hour:02d}:{minute:02d}"
    if c.fields.get("weekday"):
        on = resolve_weekday(c, ctx)
    elif c.fields.get("deictic"):
        on = resolve_deictic(c, ctx)
    elif ctx.reference or ctx.anchor:
        on = cal.day(ctx.reference or ctx.anchor)  # type: ignore[arg-type]
    else:
        on = cal.unresolved("DATE", "XXXX-XX-XX", "day")
    if on is None:
        return None
    granularity = "minute" if c.fields.get("minute") else "hour"
    mod = APPROX_MODS.get(_fold(c.fields.get("approx")))
    return replace(on, type="TIME", value=on.value + clock, granularity=granularity, mod=mod)


def resolve_set(c: Candidate, ctx: Context) -> Resolved | None:
    """ "every Monday", "weekly", "each year", "on Mondays"."""
    if c.fields.get("weekday"):
        weekday = int(ctx.word("weekdays", c, "weekday") or 0)  # type: ignore[arg-type]
        return cal.unresolved("SET", f"XXXX-WXX-{weekday}", "day")
    if c.fields.get("freq"):
        return cal.unresolved("SET", str(ctx.word("sets", c, "freq")), "vague")
    unit = _fold(c.fields["unit"])
    pod = ctx.grammar.lexicon["parts_of_day"].get(unit)
    if pod:
        return cal.unresolved("SET", f"XXXX-XX-XXT{pod}", "part-of-day")
    n = number(c.fields.get("num"), ctx.grammar) if c.fields.get("num") else 1
    unit_code = str(ctx.grammar.lookup("units", unit))
    return cal.unresolved("SET", duration_value(n or "X", unit_code), "vague")


def resolve_vague(c: Candidate, ctx: Context) -> Resolved | None:
    """ "recently" PAST_REF, "now" PRESENT_REF, "the coming days" FUTURE_REF."""
    return resolve_vague_value(str(ctx.word("vague", c, "vague")), ctx.anchor)


def resolve_vague_value(value: str, a: date | None) -> Resolved:
    """PAST_REF ends at the anchor, FUTURE_REF starts there, PRESENT_REF is the anchor day."""
    if value == "PAST_REF":
        return Resolved("DATE", value, None, a, "vague")
    if value == "FUTURE_REF":
        return Resolved("DATE", value, a, None, "vague")
    return Resolved("DATE", value, a, a, "vague")


RESOLVERS: dict[str, Callable[[Candidate, Context], Resolved | None]] = {
    "date": resolve_date,
    "week_of_date": resolve_week_of_date,
    "day_of_month": resolve_day_of_month,
    "nth_weekday": resolve_nth_weekday,
    "before_last": resolve_before_last,
    "month": resolve_month,
    "year": resolve_year,
    "weekday": resolve_weekday,
    "deictic": resolve_deictic,
    "part_of_day": resolve_part_of_day,
    "reference_day": resolve_reference_day,
    "relative_unit": resolve_relative_unit,
    "weekend": resolve_weekend,
    "year_end": resolve_year_end,
    "offset": resolve_offset,
    "in_units": resolve_in_units,
    "duration": resolve_duration,
    "quarter": resolve_quarter,
    "quarter_ref": resolve_quarter_ref,
    "quarter_of_year": resolve_quarter_of_year,
    "spelled_year": resolve_spelled_year,
    "holiday": resolve_holiday,
    "year_ago": resolve_year_ago,
    "season": resolve_season,
    "decade": resolve_decade,
    "century": resolve_century,
    "time": resolve_time,
    "set": resolve_set,
    "vague": resolve_vague,
}


# Kinds whose year a range's other end can give: "from Oct. 3 to Nov. 20, 2023".
RANGE_KINDS = ("date", "month")
OPENER = re.compile(r"\b([a-z]+)\s+(?:the\s+)?\Z", re.IGNORECASE)
# How far (characters) before a range's first end its opener may start ("between the ").
OPENER_REACH = 14


def _month_day(c: Candidate, grammar: Grammar) -> tuple[int, int]:
    """Where in a year a date or month candidate falls, to order a range's two ends."""
    month = grammar.lookup("months", c.fields["month"]) or c.fields["month"]
    day = "".join(ch for ch in c.fields.get("day", "1") if ch.isdigit()) or "1"
    return int(month), int(day)


def _is_range(text: str, a: Candidate, b: Candidate, grammar: Grammar) -> bool:
    """ "from <a> to <b>", "between <a> and <b>": a and b are the two ends of one range."""
    table = grammar.lexicon["ranges"]
    if a.kind not in RANGE_KINDS or b.kind not in RANGE_KINDS or "month" not in a.fields:
        return False
    if "month" not in b.fields or text[a.end : b.start].strip().lower() not in table["links"]:
        return False
    opener = OPENER.search(text, max(0, a.start - OPENER_REACH), a.start)
    return opener is not None and opener.group(1).lower() in table["openers"]


def _with_year(c: Candidate, year: int) -> Candidate:
    return replace(c, fields={**c.fields, "year": str(year)})


def lend_range_years(text: str, cands: list[Candidate], grammar: Grammar) -> list[Candidate]:
    """Candidates where a range end without a year takes it from the other end: the end
    falls on or after the start, so "between June 2024 and March" ends in March 2025."""
    out = list(cands)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if ("year" in a.fields) == ("year" in b.fields) or not _is_range(text, a, b, grammar):
            continue
        backwards = _month_day(b, grammar) < _month_day(a, grammar)
        if "year" in a.fields:
            out[i + 1] = _with_year(b, int(a.fields["year"]) + backwards)
        else:
            out[i] = _with_year(a, int(b.fields["year"]) - backwards)
    return out


def resolve(c: Candidate, ctx: Context) -> Resolved | None:
    """Resolve one candidate with the resolver of its kind."""
    return RESOLVERS[c.kind](c, ctx)
