"""Text material for the seeder: what real legacy rows hold, nasty cases included.

Words from many scripts, emoji sequences, combining marks, zero-width and bidirectional
characters, markdown fragments, and the free-text dates people actually type. NUL bytes and
unpaired surrogates are absent on purpose: neither database can store them (the property
strategies generate those in memory instead).
"""

from __future__ import annotations

LATIN_WORDS: tuple[str, ...] = (
    "Python",
    "Data",
    "Leadership",
    "Kubernetes",
    "Public Speaking",
    "SQL",
    "Design",
    "Safety",
    "First Aid",
    "Öffentlichkeitsarbeit",
    "Straße",
    "Café",
    "naïve",
    "Ærø",
    "Łódź",
    "İstanbul",
    "Façade",
    "Smørrebrød",
    "Crème brûlée",
    "Ångström",
    "Mañana",
    "Dvořák",
    "Þórr",
    "ǅemal",
)

SCRIPT_WORDS: tuple[str, ...] = (
    "Μάθηση",  # Greek
    "Обучение",  # Cyrillic
    "تعلم الآلة",  # Arabic, right-to-left
    "למידה עמוקה",  # Hebrew, right-to-left
    "機械学習",  # CJK
    "데이터 과학",  # Hangul
    "मशीन लर्निंग",  # Devanagari
    "การเรียนรู้",  # Thai
    "ሥልጠና",  # Ethiopic
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",  # mathematical alphanumerics, outside the BMP
    "𓂀𓆣",  # Egyptian hieroglyphs
)

EMOJI: tuple[str, ...] = (
    "🚀",
    "🏅",
    "👩🏽‍💻",
    "🏳️‍🌈",
    "🇩🇪",
    "👨‍👩‍👧‍👦",
    "✅",
    "❤️",
    "🧑🏿‍🔬",
    "🫠",
)

TRICKY: tuple[str, ...] = (
    "Cafe\u0301",  # NFD: e + combining acute
    "Caf\u00e9",  # NFC
    "Data\u200bScience",  # zero-width space
    "\ufeffBOM first",  # byte order mark
    "left\u200fright\u200e",  # bidirectional marks
    "\u202eevil override",  # right-to-left override
    "Z\u0324\u0354\u0367\u0311a\u0316\u0304l\u036eg\u0317o",  # stacked combining marks
    "tab\tand\nnewline",
    "bell\x07and\x1bescape",
    "  padded  ",
    "\u00a0no-break\u00a0",
    "ﬁligature",
    "Ⅻ roman",
    "x\u2028line separator",
    "\uffff non-character",
)

SENTENCES: tuple[str, ...] = (
    "Complete the online module and pass the quiz",
    "Attend three team sessions",
    "Write a short reflection (300 words)",
    "Pair with a mentor for two weeks",
    "Ship one change to production",
    "Present the results to the team",
    "Read chapter 4 and summarise it",
    "Review two pull requests",
    "Lead a retrospective",
    "Document the process in the wiki",
)

MARKDOWN_BLOCKS: tuple[str, ...] = (
    "# {title}\n\n{sentence}.",
    "## Why\n\n{sentence} — *because* it **matters**.",
    "- {sentence}\n- {word}\n  - nested {word}\n- [ ] open task\n- [x] done task",
    "1. {sentence}\n2. {word}\n3. done",
    "> {sentence}\n>\n> — {word}",
    "```python\nprint({word!r})\n```",
    "| step | owner |\n|---|---|\n| {word} | me |\n| {sentence} | you |",
    "See [the guide](https://example.org/guide?q={word}&lang=de#part-2) and <https://example.com>.",
    '![badge](https://example.org/img/{word}.png "{title}")',
    "Inline `code`, ~~strike~~, _emphasis_, and a footnote[^1].\n\n[^1]: {sentence}.",
    "<details><summary>{title}</summary>\n\n{sentence}\n</details>",
    "Escapes: \\*not emphasis\\*, 5 \\< 6, back\\\\slash.",
)

DATE_TEXTS: tuple[str, ...] = (
    "{iso}",
    "{iso}",
    "{iso}",
    "{iso}T09:00:00Z",
    "{iso}T09:00:00+02:00",  # ISO
    "{d}.{m}.{y}",
    "{d}/{m}/{y}",
    "{m}/{d}/{y}",  # numeric, ambiguous orders
    "{month} {d}, {y}",
    "{d}. {monat} {y}",  # prose, English and German
    "next spring",
    "Q3 {y}",
    "ASAP",
    "end of {month}",
    "someday",
    "{y}",
    "2023-02-30",
    "2024-13-01",
    "31.04.2024",
    "0000-00-00",
    "2023-02-29",  # impossible dates
    "",
    "   ",  # empty
)

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONATE: tuple[str, ...] = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

EXTERNAL_SOURCES: tuple[str, ...] = ("credly", "linkedin", "coursera", "moodle", "badgr", "manual")
