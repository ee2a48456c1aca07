"""The Open Badges 3.0 vocabulary: context URLs, term patterns and enumerations.

The class tables of :mod:`badgegate.validate.model`, the schema builder and the rules all read
their fixed strings from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from badgegate.ob3 import OB_CONTEXT_CURRENT as OB_CONTEXT_CURRENT
from badgegate.ob3 import OB_CONTEXT_PREFIX as OB_CONTEXT_PREFIX
from badgegate.ob3 import VC_V2_CONTEXT as VC_V2_CONTEXT

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXTS_OLDER = (
    f"{OB_CONTEXT_PREFIX}.json",
    f"{OB_CONTEXT_PREFIX}-3.0.1.json",
    f"{OB_CONTEXT_PREFIX}-3.0.2.json",
)
# The OB context URL form, as the official schemas state it; known versions are a rule.
OB_CONTEXT_PATTERN = r"^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$"
# Anchored: a custom term is ``ext:`` plus at least one of these characters and nothing else.
EXT_TERM_PATTERN = r"^ext:[A-Za-z0-9._-]+$"
LANGUAGE_PATTERN = r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
LANGUAGE_MAP_KEY_PATTERN = r"^[a-z]{2}(-[A-Z]{2})?$"
COMPACT_JWS_PATTERN = r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$"
OFFICIAL_SCHEMA_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/schema/"
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

# An absolute URI or IRI (RFC 3986 §4.3, RFC 3987 §2.2): a scheme, a colon, then at least one
# character. Spaces (ASCII or Unicode), control characters, the characters RFC 3986 never
# allows (angle brackets, double quote, braces, bar, backslash, caret, backtick) and a ``%`` not
# followed by two hex digits are refused; other non-ASCII characters are allowed, as in an IRI.
# Every property OB 3.0 types as URI or URL is held to it (``format: iri`` in our schemas).
_NOT_IN_IRI = (
    "\x00-\x20\x7f-\x9f" + '<>"{}|\\\\^`%'
    "\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
ABSOLUTE_IRI_PATTERN = f"^[A-Za-z][A-Za-z0-9+.-]*:(?:[^{_NOT_IN_IRI}]|%[0-9A-Fa-f]{{2}})+$"
ABSOLUTE_IRI = re.compile(ABSOLUTE_IRI_PATTERN)

EXT_TERM = re.compile(EXT_TERM_PATTERN)

ENUMERATIONS: Mapping[str, tuple[str, ...]] = {
    "AchievementType": (
        "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
        "AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
        "CertificateOfCompletion", "Certification", "CommunityService", "Competency", "Course",
        "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
        "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License",
        "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
        "MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
    ),
    "AlignmentTargetType": (
        "ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
        "CFRubricCriterionLevel", "CTDL",
    ),
    "IdentifierTypeEnum": (
        "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
        "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
        "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
        "ltiUserId", "identifier",
    ),
    "ResultType": (
        "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
        "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore",
        "ScaledScore", "Status",
    ),
    "ResultStatusType": (
        "Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew",
    ),
    "ImsxCodeMajor": ("failure", "processing", "success", "unsupported"),
    "ImsxSeverity": ("error", "status", "warning"),
    "ImsxCodeMinorFieldValue": (
        "forbidden", "fullsuccess", "internal_server_error", "invalid_data",
        "invalid_query_parameter", "misdirected_request", "not_acceptable", "not_allowed",
        "not_found", "not_modified", "server_busy", "unauthorizedrequest", "unknown",
    ),
}  # fmt: skip
_TERM_SETS = {name: frozenset(terms) for name, terms in ENUMERATIONS.items()}
EXTENSIBLE_ENUMERATIONS = frozenset(
    {"AchievementType", "AlignmentTargetType", "IdentifierTypeEnum", "ResultType"}
)


def ob_context_is_known(url: str) -> bool:
    """True when ``url`` is a published version of the OB 3.0 context."""
    return url == OB_CONTEXT_CURRENT or url in OB_CONTEXTS_OLDER


def is_absolute_iri(value: str) -> bool:
    """True when ``value`` is an absolute URI or IRI: a scheme, no spaces (see the pattern)."""
    return ABSOLUTE_IRI.fullmatch(value) is not None  # ``$`` alone allows a final newline


def is_enum_term(enum_name: str, value: object) -> bool:
    """True when ``value`` is a term of the enumeration (or an ``ext:`` term if extensible)."""
    if not isinstance(value, str):
        return False
    if value in _TERM_SETS[enum_name]:
        return True
    return enum_name in EXTENSIBLE_ENUMERATIONS and EXT_TERM.match(value) is not None
